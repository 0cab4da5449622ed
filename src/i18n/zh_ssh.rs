//! 内置 SSH 服务的提示（简体中文）。

use super::ssh::SshText;

pub fn text(t: &SshText) -> String {
    match t {
        SshText::Listening {
            addr,
            fingerprint,
            operators_with_keys,
        } => format!(
            "SSH 服务已启动，监听 {addr}\n主机密钥指纹：{fingerprint}（请各派出所值班室首次连接时核对）\n\
             已登记公钥、可以登录的操作员：{operators_with_keys} 名\n按 Ctrl-C 或发送 SIGTERM 停止服务。"
        ),
        SshText::CannotListen { addr, reason } => format!("无法在 {addr} 上监听：{reason}"),
        SshText::Stopping { sessions } => {
            format!("收到停止信号，正在结束 {sessions} 个会话……")
        }
        SshText::Stopped { sessions } => {
            format!("SSH 服务已停止（结束了 {sessions} 个会话，已录入的内容均已保存）。")
        }
        SshText::OperatorDisabled { login } => {
            format!("操作员 {login} 已被停用，本次会话结束。如需继续值班，请联系综治中心。")
        }
        SshText::KeyRemoved => "本终端登录用的公钥已被移除，本次会话结束。请联系综治中心。".into(),
        SshText::ServerStopping => {
            "综治中心的值班服务正在停止，本次会话结束。已录入的内容均已保存。".into()
        }
        SshText::LoginTimeout { seconds } => format!("{seconds} 秒内未完成登录，连接已断开。"),
        SshText::TooManyFailures => "登录失败次数过多，连接已断开。".into(),
    }
}
