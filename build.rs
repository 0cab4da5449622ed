//! Renders the manual pages (English, and Chinese under zh_CN) and the bash, zsh and fish
//! completions from the same clap definitions the program parses with, in the languages
//! `--help` speaks. They are written to `target/<profile>/dutydesk-assets/`, beside the binary,
//! where the Debian package (cargo-deb, `target/release/…` paths) picks them up; cargo's
//! `OUT_DIR` has a hash in its name that packaging cannot name.

use std::path::{Path, PathBuf};

#[path = "src/i18n/help_words.rs"]
mod help_words;
#[path = "src/i18n/lang.rs"]
mod lang;
/// What `cli.rs` and `cli_help.rs` reach through `crate::i18n`.
mod i18n {
    pub(crate) use super::help_words;
    pub(crate) use super::lang::Lang;
}
#[path = "src/cli.rs"]
#[allow(dead_code)]
mod cli;
#[path = "src/cli_help.rs"]
#[allow(dead_code)]
mod cli_help;

use clap::CommandFactory;
use lang::Lang;

fn main() -> std::io::Result<()> {
    for f in [
        "build.rs",
        "src/cli.rs",
        "src/cli_help.rs",
        "src/i18n/lang.rs",
        "src/i18n/help_words.rs",
    ] {
        println!("cargo::rerun-if-changed={f}");
    }
    let out = assets_dir();
    manual(&out.join("man/man1"), Lang::En)?;
    manual(&out.join("man/zh_CN/man1"), Lang::Zh)?;
    let completions = out.join("completions");
    std::fs::create_dir_all(&completions)?;
    let mut cmd = cli_help::localized(cli::Cli::command(), Lang::Zh);
    for shell in [
        clap_complete::Shell::Bash,
        clap_complete::Shell::Zsh,
        clap_complete::Shell::Fish,
    ] {
        clap_complete::generate_to(shell, &mut cmd, "dutydesk", &completions)?;
    }
    Ok(())
}

/// `target/<profile>/dutydesk-assets`: OUT_DIR is `target/<profile>/build/dutydesk-<hash>/out`.
fn assets_dir() -> PathBuf {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    out.ancestors()
        .nth(3)
        .map(|p| p.join("dutydesk-assets"))
        .unwrap_or_else(|| out.join("dutydesk-assets"))
}

/// One page per command (`dutydesk.1`, `dutydesk-import-roster.1`, …) in `lang`.
fn manual(dir: &Path, lang: Lang) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    // `dutydesk help X` is `dutydesk X --help`: no pages of its own.
    let cmd = cli_help::localized(cli::Cli::command().disable_help_subcommand(true), lang);
    clap_mangen::generate_to(cmd, dir)?;
    if lang == Lang::Zh {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            let text = std::fs::read_to_string(&path)?;
            std::fs::write(&path, chinese_headings(&text))?;
        }
    }
    Ok(())
}

/// clap_mangen writes its section headings in English.
fn chinese_headings(roff: &str) -> String {
    roff.lines()
        .map(|line| {
            help_words::MANUAL_SECTIONS
                .iter()
                .find(|(en, _)| line == format!(".SH {en}"))
                .map_or_else(|| line.to_string(), |(_, zh)| format!(".SH {zh}"))
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}
