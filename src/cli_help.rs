//! The command line in one language. Every help text in `cli.rs` is written once as
//! "中文 · english"; before parsing, the language is read from `--lang` / `DUTYDESK_LANG`
//! (Chinese by default) and each text of the clap tree keeps its half, so any command added
//! later in the same convention is covered without more work. Only the top-level summary stays
//! bilingual. Kept free of the rest of the crate (but `cli.rs` and the language) so that the
//! build script renders the manual pages from the same tree.

use std::ffi::{OsStr, OsString};

use clap::{Arg, Command};

use crate::i18n::{Lang, help_words};

/// Between the Chinese and the English half of a help line (a middle dot and a space; names
/// such as 买买提·艾力 have no space after theirs).
pub const SEPARATOR: &str = "· ";

/// The language asked for on the command line (`--lang X`, `--lang=X`, before any `--`), else
/// in `DUTYDESK_LANG`, else Chinese. An unknown value falls through here; clap refuses it.
pub fn lang_of(args: &[OsString], env: Option<&OsStr>) -> Lang {
    let mut it = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        let value = if a == "--lang" {
            it.next().map(|v| v.into_owned())
        } else {
            a.strip_prefix("--lang=").map(str::to_string)
        };
        if let Some(l) = value.as_deref().and_then(Lang::parse) {
            return l;
        }
    }
    env.and_then(|v| Lang::parse(&v.to_string_lossy()))
        .unwrap_or_default()
}

/// One language's half of a help text, line by line: a line "中文 · english" gives "中文" or
/// "english"; a line without the separator (a list of values, a blank line) is kept.
pub fn pick(text: &str, lang: Lang) -> String {
    text.split('\n')
        .map(|line| match line.split_once(SEPARATOR) {
            None => line.to_string(),
            Some((zh, en)) => {
                // Keep the indentation of table-like lines.
                let indent = &line[..line.len() - line.trim_start().len()];
                match lang {
                    Lang::Zh => zh.trim_end().to_string(),
                    Lang::En => format!("{indent}{}", en.trim()),
                }
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The clap tree (built, so that clap's own help flags and help command are there too) with
/// every text in `lang`.
pub fn localized(mut cmd: Command, lang: Lang) -> Command {
    cmd.build();
    localize(&mut cmd, lang, true);
    cmd
}

fn text_in(lang: Lang, s: &clap::builder::StyledStr) -> String {
    let s = s.to_string();
    match (lang, help_words::builtin(&s)) {
        (Lang::Zh, Some(zh)) => zh.to_string(),
        _ => pick(&s, lang),
    }
}

fn localize(cmd: &mut Command, lang: Lang, top: bool) {
    // A subcommand lists the program's global options apart from its own.
    let global_heading = (!top).then(|| help_words::global_options(lang));
    let mut c = std::mem::take(cmd);
    if !top && let Some(a) = c.get_about() {
        let a = text_in(lang, a);
        c = c.about(a);
    }
    if let Some(a) = c.get_long_about() {
        let a = text_in(lang, a);
        c = c.long_about(a);
    }
    if let Some(a) = c.get_before_help() {
        let a = text_in(lang, a);
        c = c.before_help(a);
    }
    if let Some(a) = c.get_after_help() {
        let a = text_in(lang, a);
        c = c.after_help(a);
    }
    c = c.mut_args(|a| {
        let a = match global_heading {
            Some(h) if a.is_global_set() && a.get_help_heading().is_none() => a.help_heading(h),
            _ => a,
        };
        localize_arg(a, lang)
    });
    if lang == Lang::Zh {
        c = c
            .subcommand_help_heading(help_words::COMMANDS)
            .subcommand_value_name(help_words::COMMAND)
            .help_template(format!(
                "{{before-help}}{{about-with-newline}}\n{}：{{usage}}\n\n{{all-args}}{{after-help}}",
                help_words::USAGE
            ));
        // clap writes `[OPTIONS]` in the usage line by itself.
        let usage = c.render_usage().to_string();
        let usage = usage.strip_prefix("Usage: ").unwrap_or(&usage);
        let usage = usage.replace("[OPTIONS]", &format!("[{}]", help_words::OPTIONS));
        c = c.override_usage(usage);
    }
    *cmd = c;
    for sub in cmd.get_subcommands_mut() {
        localize(sub, lang, false);
    }
}

fn localize_arg(mut a: Arg, lang: Lang) -> Arg {
    let mut help = a.get_help().map(|h| text_in(lang, h));
    let mut long = a.get_long_help().map(|h| text_in(lang, h));
    if lang == Lang::Zh {
        // clap writes its value notes in English; write them in Chinese after the text.
        let mut notes = String::new();
        let takes_value = a.get_action().takes_values();
        if takes_value && !a.is_hide_default_value_set() && !a.get_default_values().is_empty() {
            let v: Vec<_> = a
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy())
                .collect();
            notes.push_str(&help_words::default_note(&v.join(" ")));
            a = a.hide_default_value(true);
        }
        if let Some(env) = a.get_env().filter(|_| !a.is_hide_env_set()) {
            notes.push_str(&help_words::env_note(&env.to_string_lossy()));
            a = a.hide_env(true);
        }
        if takes_value && !a.is_hide_possible_values_set() {
            let v: Vec<String> = a
                .get_possible_values()
                .iter()
                .filter(|p| !p.is_hide_set())
                .map(|p| p.get_name().to_string())
                .collect();
            if !v.is_empty() {
                notes.push_str(&help_words::choices_note(&v.join(" | ")));
                a = a.hide_possible_values(true);
            }
        }
        if !notes.is_empty() {
            help = Some(format!("{}{notes}", help.unwrap_or_default()));
            long = long.map(|l| format!("{l}{notes}"));
        }
        if a.get_help_heading().is_none() {
            let heading = if a.is_positional() {
                help_words::ARGUMENTS
            } else {
                help_words::OPTIONS
            };
            a = a.help_heading(heading);
        }
    }
    if let Some(h) = help {
        a = a.help(h);
    }
    if let Some(l) = long {
        a = a.long_help(l);
    }
    a
}

/// The whole command line of this process in its language; `--help`, `--version` and usage
/// errors end the process here as clap does.
pub fn parse_args() -> (crate::cli::Cli, String) {
    let args: Vec<OsString> = std::env::args_os().collect();
    parse_from(&args, std::env::var_os("DUTYDESK_LANG").as_deref())
}

/// [`parse_args`] for given arguments; also gives the command's name ("incident open") for the
/// log, which must not see its arguments (they carry ID numbers, notes, places).
pub fn parse_from(args: &[OsString], env_lang: Option<&OsStr>) -> (crate::cli::Cli, String) {
    use clap::{CommandFactory, FromArgMatches};
    let lang = lang_of(args, env_lang);
    let cmd = localized(crate::cli::Cli::command(), lang);
    let matches = cmd
        .clone()
        .try_get_matches_from(args)
        .unwrap_or_else(|e| exit_with(e, lang));
    let mut name = Vec::new();
    let mut m = &matches;
    while let Some((sub, next)) = m.subcommand() {
        name.push(sub.to_string());
        m = next;
    }
    let cli = crate::cli::Cli::from_arg_matches(&matches).unwrap_or_else(|e| {
        let mut cmd = cmd;
        e.format(&mut cmd).exit()
    });
    let name = if name.is_empty() {
        "console".to_string()
    } else {
        name.join(" ")
    };
    (cli, name)
}

/// Ends the process on a parse result that is not a command: help and version as clap prints
/// them, a usage error in the operator's language (exit code 2, as clap's).
fn exit_with(e: clap::Error, lang: Lang) -> ! {
    if lang == Lang::Zh
        && let Some(text) = help_words::usage_error(&e)
    {
        eprintln!("{text}");
        std::process::exit(e.exit_code());
    }
    e.exit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn chinese(c: char) -> bool {
        matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}'
            | '\u{ff00}'..='\u{ffef}')
    }

    /// The text outside `backticks` (where a form's row names are quoted in English help).
    fn unquoted(text: &str) -> String {
        text.split('`').step_by(2).collect::<Vec<_>>().join(" ")
    }

    /// Three English words in a row, as in a sentence.
    fn has_english_phrase(text: &str) -> bool {
        let mut run = 0;
        for w in text.split_whitespace() {
            let w = w.trim_matches(|c: char| ",.;:()[]'\"".contains(c));
            if w.len() > 1 && w.chars().all(|c| c.is_ascii_alphabetic() || c == '\'') {
                run += 1;
                if run >= 3 {
                    return true;
                }
            } else {
                run = 0;
            }
        }
        false
    }

    /// Every help text of the tree but the top-level summary, with where it is.
    fn texts(cmd: &Command, path: &str, top: bool, out: &mut Vec<(String, String)>) {
        let mut push = |what: &str, t: Option<&clap::builder::StyledStr>| {
            if let Some(t) = t {
                out.push((format!("{path} {what}"), t.to_string()));
            }
        };
        if !top {
            push("about", cmd.get_about());
        }
        push("long about", cmd.get_long_about());
        push("before help", cmd.get_before_help());
        push("after help", cmd.get_after_help());
        for a in cmd.get_arguments() {
            let id = a.get_id().to_string();
            push(&format!("--{id}"), a.get_help());
            push(&format!("--{id} (long)"), a.get_long_help());
            let heading = a
                .get_help_heading()
                .map(|h| clap::builder::StyledStr::from(h.to_string()));
            push(&format!("--{id} heading"), heading.as_ref());
        }
        for sub in cmd.get_subcommands() {
            texts(sub, &format!("{path} {}", sub.get_name()), false, out);
        }
    }

    fn all_texts(lang: Lang) -> Vec<(String, String)> {
        let mut out = Vec::new();
        texts(
            &localized(crate::cli::Cli::command(), lang),
            "dutydesk",
            true,
            &mut out,
        );
        out
    }

    #[test]
    fn english_help_has_no_chinese_in_any_command() {
        let texts = all_texts(Lang::En);
        assert!(texts.len() > 100, "the whole tree: {}", texts.len());
        let mixed: Vec<_> = texts
            .iter()
            .filter(|(_, t)| unquoted(t).chars().any(chinese))
            .collect();
        assert!(mixed.is_empty(), "Chinese in English help: {mixed:#?}");
    }

    #[test]
    fn chinese_help_has_no_english_sentence_in_any_command() {
        let texts = all_texts(Lang::Zh);
        let mixed: Vec<_> = texts
            .iter()
            .filter(|(_, t)| t.contains(SEPARATOR) || has_english_phrase(&unquoted(t)))
            .collect();
        assert!(mixed.is_empty(), "English in Chinese help: {mixed:#?}");
    }

    #[test]
    fn only_the_top_level_summary_is_bilingual() {
        for lang in [Lang::Zh, Lang::En] {
            let cmd = localized(crate::cli::Cli::command(), lang);
            let about = cmd.get_about().unwrap().to_string();
            assert!(about.chars().any(chinese), "{about}");
            assert!(has_english_phrase(&about), "{about}");
        }
    }

    #[test]
    fn every_command_says_what_it_does_in_both_languages() {
        for lang in [Lang::Zh, Lang::En] {
            let cmd = localized(crate::cli::Cli::command(), lang);
            let mut missing = Vec::new();
            fn walk(c: &Command, path: String, missing: &mut Vec<String>) {
                for s in c.get_subcommands() {
                    let p = format!("{path} {}", s.get_name());
                    if s.get_about()
                        .is_none_or(|a| a.to_string().trim().is_empty())
                    {
                        missing.push(p.clone());
                    }
                    walk(s, p, missing);
                }
            }
            walk(&cmd, "dutydesk".into(), &mut missing);
            assert!(missing.is_empty(), "{lang:?}: {missing:?}");
        }
    }

    #[test]
    fn a_help_line_keeps_the_half_of_its_language() {
        let t = "导出到 .xlsx 或 .csv · write to .xlsx or .csv";
        assert_eq!(pick(t, Lang::Zh), "导出到 .xlsx 或 .csv");
        assert_eq!(pick(t, Lang::En), "write to .xlsx or .csv");
        let table = "定义 · Definitions\n  患者总数：在册 · `患者总数`: on the register\nYYYY-MM";
        assert_eq!(pick(table, Lang::Zh), "定义\n  患者总数：在册\nYYYY-MM");
        assert_eq!(
            pick(table, Lang::En),
            "Definitions\n  `患者总数`: on the register\nYYYY-MM"
        );
        // A name's middle dot is not a separator.
        assert_eq!(pick("买买提·艾力", Lang::En), "买买提·艾力");
    }

    #[test]
    fn the_language_comes_from_the_flag_then_the_environment_then_chinese() {
        let args = |a: &[&str]| -> Vec<OsString> { a.iter().map(OsString::from).collect() };
        let en = Some(OsStr::new("en_US.UTF-8"));
        assert_eq!(lang_of(&args(&["dutydesk", "--help"]), None), Lang::Zh);
        assert_eq!(lang_of(&args(&["dutydesk", "--help"]), en), Lang::En);
        assert_eq!(
            lang_of(&args(&["dutydesk", "alerts", "--lang", "zh", "-h"]), en),
            Lang::Zh
        );
        assert_eq!(
            lang_of(&args(&["dutydesk", "--lang=en", "init", "--help"]), None),
            Lang::En
        );
        // After `--` it is an argument, not an option.
        assert_eq!(
            lang_of(
                &args(&["dutydesk", "incident", "note", "1", "--", "--lang=en"]),
                None
            ),
            Lang::Zh
        );
    }

    #[test]
    fn the_log_names_the_command_and_not_its_arguments() {
        let args: Vec<OsString> = [
            "dutydesk",
            "incident",
            "open",
            "--patient",
            "990102198001011234",
            "--location",
            "桃源社区三组",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        let (_, name) = parse_from(&args, None);
        assert_eq!(name, "incident open");
        let (_, name) = parse_from(&[OsString::from("dutydesk")], None);
        assert_eq!(name, "console");
    }
}
