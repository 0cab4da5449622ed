//! The words clap and clap_mangen write around our help texts (headings, the built-in help and
//! version flags, the help command, value notes), in Chinese; English is clap's own (but the
//! heading of global options, ours in both). Kept free of the rest of the crate so that the build
//! script can include it.

/// Headings and notes of a Chinese help page.
pub const USAGE: &str = "用法";
pub const ARGUMENTS: &str = "参数";
pub const OPTIONS: &str = "选项";
pub const COMMANDS: &str = "命令";
/// The heading of the program's options in a command's help.
pub fn global_options(lang: crate::i18n::Lang) -> &'static str {
    match lang {
        crate::i18n::Lang::Zh => "全局选项",
        crate::i18n::Lang::En => "Global options",
    }
}

/// The placeholder for a command in the usage line.
pub const COMMAND: &str = "命令";

/// `（默认：64）`
pub fn default_note(values: &str) -> String {
    format!("（默认：{values}）")
}

/// `（环境变量：DUTYDESK_DB）`
pub fn env_note(name: &str) -> String {
    format!("（也可用环境变量 {name}）")
}

/// `（可选：center | station | auditor）`
pub fn choices_note(values: &str) -> String {
    format!("（可选：{values}）")
}

/// Chinese for the texts clap adds by itself; `None` for anything else.
pub fn builtin(english: &str) -> Option<&'static str> {
    Some(match english {
        "Print help" => "显示帮助",
        "Print help (see more with '--help')" => "显示帮助（--help 显示完整说明）",
        "Print help (see a summary with '-h')" => "显示帮助（-h 显示摘要）",
        "Print version" => "显示版本",
        "Print this message or the help of the given subcommand(s)" => {
            "显示本帮助，或所给命令的帮助"
        }
        "Print help for the subcommand(s)" => "显示所给命令的帮助",
        _ => return None,
    })
}

/// Section headings of a manual page, English → Chinese.
pub const MANUAL_SECTIONS: &[(&str, &str)] = &[
    ("NAME", "名称"),
    ("SYNOPSIS", "用法"),
    ("DESCRIPTION", "说明"),
    ("OPTIONS", "选项"),
    ("SUBCOMMANDS", "命令"),
    ("EXTRA", "附注"),
    ("VERSION", "版本"),
    ("AUTHORS", "作者"),
];

/// A usage error said in Chinese: clap writes its own in English. `None` for the kinds that
/// are not errors (help, version) or that clap already words well enough with our help.
pub fn usage_error(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ErrorKind};
    let ctx = |k: ContextKind| e.get(k).map(|v| v.to_string()).unwrap_or_default();
    let arg = ctx(ContextKind::InvalidArg);
    let value = ctx(ContextKind::InvalidValue);
    let valid = ctx(ContextKind::ValidValue);
    let msg = match e.kind() {
        ErrorKind::MissingRequiredArgument => format!("缺少必填的参数：{arg}"),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let mut m = format!("参数 {arg} 的值“{value}”不可用");
            if !valid.is_empty() {
                m.push_str(&format!("，可选：{valid}"));
            }
            m
        }
        ErrorKind::UnknownArgument => format!("不认识的参数：{arg}"),
        ErrorKind::InvalidSubcommand => {
            format!("不认识的命令：{}", ctx(ContextKind::InvalidSubcommand))
        }
        ErrorKind::ArgumentConflict => {
            format!("参数 {arg} 不能与 {} 同时使用", ctx(ContextKind::PriorArg))
        }
        ErrorKind::NoEquals => format!("参数 {arg} 须写成 {arg}=值"),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("参数 {arg} 的值的个数不对")
        }
        ErrorKind::MissingSubcommand => "缺少命令".to_string(),
        _ => return None,
    };
    let usage = ctx(ContextKind::Usage);
    let usage = usage
        .trim()
        .strip_prefix("Usage:")
        .unwrap_or(usage.trim())
        .trim();
    let usage = if usage.is_empty() {
        String::new()
    } else {
        format!("\n\n{USAGE}：{usage}")
    };
    Some(format!("错误：{msg}{usage}\n\n加 --help 查看说明。"))
}
