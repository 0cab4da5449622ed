//! Turning terminal events into the app's events: the key map (defaults patched from the
//! configuration's `[keys]`), text editing in fields, mouse clicks and pastes.

use crossterm::event::{
    Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind,
};
use std::collections::HashMap;
use tui_input::InputRequest;

use crate::app::{Action, Event, InputMode};

/// A key as the key map knows it: the code and whether Ctrl or Alt is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    fn of(e: &KeyEvent) -> Key {
        // Shift is part of the character itself ('G', '?'), except for BackTab.
        Key {
            code: e.code,
            ctrl: e.modifiers.contains(KeyModifiers::CONTROL),
            alt: e.modifiers.contains(KeyModifiers::ALT),
        }
    }

    /// Reads `q`, `?`, `G`, `tab`, `backtab`, `enter`, `esc`, `up`, `pagedown`, `f1`, `ctrl-z`,
    /// `alt-x`, `space`.
    pub fn parse(s: &str) -> Option<Key> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = s.trim();
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(r) = lower.strip_prefix("ctrl-").map(|_| &rest[5..]) {
                ctrl = true;
                rest = r;
            } else if let Some(r) = lower.strip_prefix("alt-").map(|_| &rest[4..]) {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest.to_ascii_lowercase().as_str() {
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            "delete" => KeyCode::Delete,
            f if f.len() > 1 && f.starts_with('f') => KeyCode::F(f[1..].parse().ok()?),
            _ => {
                let mut chars = rest.chars();
                let c = chars.next()?;
                if chars.next().is_some() {
                    return None;
                }
                KeyCode::Char(if ctrl { c.to_ascii_lowercase() } else { c })
            }
        };
        Some(Key { code, ctrl, alt })
    }

    /// How help and the footer write it.
    pub fn describe(&self) -> String {
        let base = match self.code {
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "S-Tab".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Char(' ') => "Space".into(),
            KeyCode::Char(c) => c.to_string(),
            other => format!("{other:?}"),
        };
        match (self.ctrl, self.alt) {
            (true, _) => format!("^{}", base.to_uppercase()),
            (_, true) => format!("M-{base}"),
            _ => base,
        }
    }
}

pub const DEFAULTS: &[(Action, &[&str])] = &[
    (Action::Quit, &["q", "ctrl-c"]),
    (Action::Help, &["?", "f1"]),
    (Action::NextView, &["tab"]),
    (Action::PrevView, &["backtab"]),
    (Action::ShowAlerts, &["1"]),
    (Action::ShowPatients, &["2"]),
    (Action::ShowIncidents, &["3"]),
    (Action::ShowPersons, &["4"]),
    (Action::ShowReports, &["5"]),
    (Action::ShowAudit, &["6"]),
    (Action::Up, &["k", "up"]),
    (Action::Down, &["j", "down"]),
    (Action::PageUp, &["pageup", "ctrl-b"]),
    (Action::PageDown, &["pagedown", "ctrl-f", "space"]),
    (Action::Home, &["home", "g"]),
    (Action::End, &["end", "G"]),
    (Action::Filter, &["/"]),
    (Action::Open, &["enter"]),
    (Action::Back, &["esc"]),
    (Action::Acknowledge, &["a"]),
    (Action::InProgress, &["p"]),
    (Action::Resolve, &["d"]),
    (Action::Report, &["n"]),
    (Action::Reveal, &["r"]),
    (Action::Assign, &["s"]),
    (Action::Unassign, &["x"]),
    (Action::FollowUp, &["f"]),
    (Action::QuickFilter, &["v"]),
    (Action::Sort, &["o"]),
    (Action::Suspend, &["ctrl-z"]),
    (Action::OpenIncident, &["i"]),
    (Action::Note, &["e"]),
    (Action::CloseIncident, &["c"]),
    (Action::Export, &["w"]),
    (Action::Shift, &["t"]),
];

#[derive(Debug, Clone)]
pub struct KeyMap {
    by_key: HashMap<Key, Action>,
    /// Keys of each action, defaults first, for help and the footer.
    pub by_action: HashMap<Action, Vec<Key>>,
}

impl KeyMap {
    /// The defaults with the configuration's keys added; an unreadable key is an error
    /// naming the action and the key.
    pub fn new(
        extra: &std::collections::BTreeMap<Action, Vec<String>>,
    ) -> Result<KeyMap, (Action, String)> {
        let mut map = KeyMap {
            by_key: HashMap::new(),
            by_action: HashMap::new(),
        };
        for (action, keys) in DEFAULTS {
            for k in *keys {
                let key = Key::parse(k).expect("default keys parse");
                map.bind(*action, key);
            }
        }
        for (action, keys) in extra {
            for k in keys {
                let key = Key::parse(k).ok_or_else(|| (*action, k.clone()))?;
                map.bind(*action, key);
            }
        }
        Ok(map)
    }

    fn bind(&mut self, action: Action, key: Key) {
        if let Some(old) = self.by_key.insert(key, action)
            && let Some(keys) = self.by_action.get_mut(&old)
        {
            keys.retain(|k| *k != key);
        }
        self.by_action.entry(action).or_default().push(key);
    }

    /// The first key of an action, as the footer shows it.
    pub fn first(&self, a: Action) -> String {
        self.by_action
            .get(&a)
            .and_then(|k| k.first())
            .map(Key::describe)
            .unwrap_or_default()
    }

    pub fn all(&self, a: Action) -> String {
        self.by_action
            .get(&a)
            .map(|k| k.iter().map(Key::describe).collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    }

    /// The app event for a terminal event, given how keys are read now.
    pub fn translate(&self, ev: &TermEvent, mode: InputMode) -> Vec<Event> {
        match ev {
            TermEvent::Key(k) if k.kind == KeyEventKind::Release => vec![],
            // Esc then a key in quick succession (a slow link, a fast typist) arrives as Alt+key;
            // unless Alt+key is bound, it means Esc followed by that key.
            TermEvent::Key(k)
                if mode == InputMode::Normal
                    && Key::of(k).alt
                    && !self.by_key.contains_key(&Key::of(k)) =>
            {
                let plain = Key {
                    alt: false,
                    ..Key::of(k)
                };
                [
                    Some(Event::Action(Action::Back)),
                    self.by_key.get(&plain).map(|a| Event::Action(*a)),
                ]
                .into_iter()
                .flatten()
                .collect()
            }
            TermEvent::Key(k) => self.key(k, ev, mode).into_iter().collect(),
            TermEvent::Mouse(m) => match m.kind {
                MouseEventKind::Down(_) => vec![Event::Click {
                    column: m.column,
                    row: m.row,
                }],
                MouseEventKind::ScrollUp if mode == InputMode::Normal => {
                    vec![Event::Action(Action::Up)]
                }
                MouseEventKind::ScrollDown if mode == InputMode::Normal => {
                    vec![Event::Action(Action::Down)]
                }
                _ => vec![],
            },
            TermEvent::Resize(w, h) => vec![Event::Resize {
                width: *w,
                height: *h,
            }],
            // A paste arrives whole; in a text field it is typed in, elsewhere ignored so that a
            // stray paste can never fire actions.
            TermEvent::Paste(text) if mode != InputMode::Normal => text
                .chars()
                .filter(|c| !c.is_control())
                .map(|c| Event::Text(InputRequest::InsertChar(c)))
                .collect(),
            _ => vec![],
        }
    }

    fn key(&self, k: &KeyEvent, ev: &TermEvent, mode: InputMode) -> Option<Event> {
        let key = Key::of(k);
        let ctrl = key.ctrl;
        match mode {
            InputMode::Normal => self.by_key.get(&key).map(|a| Event::Action(*a)),
            InputMode::Choice => match k.code {
                KeyCode::Esc => Some(Event::Cancel),
                KeyCode::Enter => Some(Event::Submit),
                KeyCode::Char('c') if ctrl => Some(Event::Cancel),
                KeyCode::Char(c) => Some(Event::Char(c)),
                _ => None,
            },
            InputMode::Text | InputMode::Form { .. } => match k.code {
                KeyCode::Esc => Some(Event::Cancel),
                KeyCode::Char('c') if ctrl => Some(Event::Cancel),
                KeyCode::Char('n') if ctrl => Some(Event::Char('\u{e}')),
                KeyCode::Enter => Some(Event::Submit),
                KeyCode::Up | KeyCode::BackTab => Some(Event::FieldUp),
                KeyCode::Down | KeyCode::Tab => Some(Event::FieldDown),
                KeyCode::Left if mode == (InputMode::Form { on_choice: true }) => {
                    Some(Event::ValueLeft)
                }
                KeyCode::Right if mode == (InputMode::Form { on_choice: true }) => {
                    Some(Event::ValueRight)
                }
                KeyCode::Char(' ') if mode == (InputMode::Form { on_choice: true }) => {
                    Some(Event::ValueRight)
                }
                _ if mode == (InputMode::Form { on_choice: true }) => None,
                _ => tui_input::backend::crossterm::to_input_request(ev).map(Event::Text),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names_parse() {
        assert_eq!(Key::parse("q").unwrap().code, KeyCode::Char('q'));
        assert_eq!(Key::parse("G").unwrap().code, KeyCode::Char('G'));
        let z = Key::parse("ctrl-z").unwrap();
        assert!(z.ctrl && z.code == KeyCode::Char('z'));
        assert_eq!(Key::parse("f1").unwrap().code, KeyCode::F(1));
        assert!(Key::parse("nonsense").is_none());
    }

    #[test]
    fn configured_keys_add_to_the_defaults() {
        let mut extra = std::collections::BTreeMap::new();
        extra.insert(Action::Acknowledge, vec!["A".to_string()]);
        let map = KeyMap::new(&extra).unwrap();
        assert_eq!(map.all(Action::Acknowledge), "a A");
        extra.insert(Action::Quit, vec!["hyper-q".to_string()]);
        assert!(KeyMap::new(&extra).is_err());
    }
}
