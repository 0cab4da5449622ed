//! `completions SHELL`: the shell completion script for this command line, in the chosen
//! language (zsh, fish and PowerShell show the help texts beside each choice).

use super::{Context, Failure};

pub fn print(ctx: &Context, shell: &str) -> Result<(), Failure> {
    use clap_complete::Shell;
    let shell = match shell {
        "bash" => Shell::Bash,
        "zsh" => Shell::Zsh,
        "fish" => Shell::Fish,
        "powershell" => Shell::PowerShell,
        other => return Err(Failure::Usage(other.to_string())),
    };
    let mut cmd = crate::cli_help::localized(
        <crate::cli::Cli as clap::CommandFactory>::command(),
        ctx.lang,
    );
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "dutydesk", &mut out);
    super::emit(String::from_utf8_lossy(&out).trim_end());
    Ok(())
}
