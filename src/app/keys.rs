//! Turning terminal events into the app's events: the key map of commands (defaults patched
//! from the configuration's `[keys]`), the fixed keys of each input mode (the same table the
//! footer and help show), text editing in fields, mouse clicks and pastes. The mode comes from
//! `AppState::input_mode`, so a key means one thing on one screen.

use crossterm::event::{
    Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind,
};
use std::collections::HashMap;
use tui_input::InputRequest;

use super::action::{Action, Edit, Event, FormKind, InputMode};
use super::commands;
use crate::i18n::T;

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
    (Action::Snooze, &["z"]),
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
    (Action::SetControl, &["L"]),
    (Action::EndControl, &["E"]),
    // On the incident screen the digits record steps; elsewhere they switch views. Which one
    // a digit means is decided by the screen's commands.
    (Action::Step1, &["1"]),
    (Action::Step2, &["2"]),
    (Action::Step3, &["3"]),
    (Action::Step4, &["4"]),
    (Action::Step5, &["5"]),
    (Action::Step6, &["6"]),
    (Action::SkipStep, &["s"]),
    (Action::CorrectStep, &["m"]),
    (Action::GoToPatient, &["enter"]),
    (Action::LastMessage, &["M"]),
];

/// A key with a fixed meaning in a mode other than the commands: how the footer writes it,
/// the keys that do it, what it does and what it is called.
#[derive(Debug, Clone, Copy)]
pub struct FixedKey {
    pub shown: &'static str,
    pub keys: &'static [&'static str],
    pub edit: Edit,
    pub label: T,
}

const fn fk(shown: &'static str, keys: &'static [&'static str], edit: Edit, label: T) -> FixedKey {
    FixedKey {
        shown,
        keys,
        edit,
        label,
    }
}

const CANCEL: FixedKey = fk("Esc", &["esc", "ctrl-c"], Edit::Cancel, T::KeyCancel);
const SCROLL: [FixedKey; 6] = [
    fk("↑↓ PgUp PgDn", &["up", "k"], Edit::Up, T::KeyScroll),
    fk("", &["down", "j"], Edit::Down, T::KeyScroll),
    fk("", &["pageup", "b", "ctrl-b"], Edit::PageUp, T::KeyScroll),
    fk(
        "",
        &["pagedown", "space", "ctrl-f"],
        Edit::PageDown,
        T::KeyScroll,
    ),
    fk("", &["home", "g"], Edit::Home, T::KeyScroll),
    fk("", &["end", "G"], Edit::End, T::KeyScroll),
];

/// The fixed keys of a mode, in footer order; entries with an empty `shown` are not in the
/// footer (they share a neighbour's entry).
pub fn fixed_keys(mode: InputMode) -> Vec<FixedKey> {
    match mode {
        InputMode::Normal(_) => Vec::new(),
        InputMode::Text => vec![
            fk("Enter", &["enter"], Edit::Submit, T::KeySubmit),
            CANCEL,
            // Tab moves between fields as in the forms.
            fk("↑↓", &["up", "backtab"], Edit::Up, T::KeyField),
            fk("", &["down", "tab"], Edit::Down, T::KeyField),
        ],
        InputMode::Picker => vec![
            fk("Enter", &["enter"], Edit::Submit, T::KeySubmit),
            fk("↑↓", &["up"], Edit::Up, T::KeyMove),
            fk("", &["down"], Edit::Down, T::KeyMove),
            fk("^N", &["ctrl-n"], Edit::New, T::NewPersonTitle),
            CANCEL,
        ],
        InputMode::Actor => vec![
            fk("Enter", &["enter"], Edit::Submit, T::KeySubmit),
            fk("↑↓", &["up"], Edit::Up, T::KeyPick),
            fk("", &["down"], Edit::Down, T::KeyPick),
            CANCEL,
        ],
        InputMode::Line => vec![fk("Enter", &["enter"], Edit::Submit, T::KeySubmit), CANCEL],
        InputMode::Editor => vec![fk("^S", &["ctrl-s"], Edit::Save, T::Save), CANCEL],
        InputMode::Choice => vec![CANCEL],
        InputMode::Form {
            kind: FormKind::Person,
            ..
        } => vec![
            fk("↑↓", &["up", "backtab"], Edit::Up, T::KeyField),
            fk("", &["down", "tab"], Edit::Down, T::KeyField),
            fk("←→", &["left"], Edit::Left, T::KeyPickMatch),
            fk("", &["right"], Edit::Right, T::KeyPickMatch),
            fk("Enter", &["enter"], Edit::Submit, T::KeyPickPerson),
            fk("^S", &["ctrl-s"], Edit::Save, T::Save),
            CANCEL,
        ],
        InputMode::Form { kind, on_choice } => {
            let mut v = vec![
                fk("↑↓", &["up", "backtab"], Edit::Up, T::KeyField),
                fk("", &["down", "tab", "enter"], Edit::Down, T::KeyField),
            ];
            if on_choice && kind == FormKind::FollowUp {
                // Space ticks a symptom in 目前症状 (and changes any other choice).
                v.extend([
                    fk("←→", &["left"], Edit::Left, T::KeyChange),
                    fk("", &["right"], Edit::Right, T::KeyChange),
                    fk("Space", &["space"], Edit::Toggle(0), T::KeyTick),
                ]);
            } else if on_choice {
                v.extend([
                    fk("←→", &["left"], Edit::Left, T::KeyChange),
                    fk("", &["right", "space"], Edit::Right, T::KeyChange),
                ]);
                if kind == FormKind::Close {
                    v.extend([
                        fk("1", &["1"], Edit::Toggle(1), T::SyncLegal),
                        fk("2", &["2"], Edit::Toggle(2), T::SyncOpinion),
                        fk("3", &["3"], Edit::Toggle(3), T::SyncSocial),
                    ]);
                }
            }
            v.extend([fk("^S", &["ctrl-s"], Edit::Save, T::Save), CANCEL]);
            v
        }
        InputMode::Confirm => vec![
            fk("Enter", &["enter", "y"], Edit::Submit, T::Save),
            fk(
                "Esc",
                &["esc", "n", "ctrl-c"],
                Edit::Cancel,
                T::KeyEditAgain,
            ),
        ],
        InputMode::Read => {
            let mut v = SCROLL.to_vec();
            v.push(fk(
                "Esc",
                &["esc", "enter", "q"],
                Edit::Cancel,
                T::KeyDismiss,
            ));
            v
        }
        InputMode::Help => {
            // Letters search, so only the keys that cannot be typed scroll.
            vec![
                fk("↑↓ PgUp PgDn", &["up"], Edit::Up, T::KeyScroll),
                fk("", &["down"], Edit::Down, T::KeyScroll),
                fk("", &["pageup"], Edit::PageUp, T::KeyScroll),
                fk("", &["pagedown"], Edit::PageDown, T::KeyScroll),
                fk("", &["home"], Edit::Home, T::KeyScroll),
                fk("", &["end"], Edit::End, T::KeyScroll),
                fk(
                    "Esc",
                    &["esc", "enter", "f1", "ctrl-c"],
                    Edit::Cancel,
                    T::KeyDismiss,
                ),
            ]
        }
    }
}

#[derive(Debug, Clone)]
pub struct KeyMap {
    /// Every action a key is bound to; the screen decides which one it means.
    by_key: HashMap<Key, Vec<Action>>,
    /// Keys of each action, defaults first, for help and the footer.
    pub by_action: HashMap<Action, Vec<Key>>,
}

impl KeyMap {
    /// The defaults with the configuration's keys added; an unreadable key is an error
    /// naming the action and the key.
    /// The default keys plus the configuration's `[keys]` table (action name → keys). An
    /// action name or a key that is not understood is refused as (action name, key).
    pub fn new(
        extra: &std::collections::BTreeMap<String, Vec<String>>,
    ) -> Result<KeyMap, (String, String)> {
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
        for (name, keys) in extra {
            let action: Action = serde_json::from_value(serde_json::Value::String(name.clone()))
                .map_err(|_| (name.clone(), keys.first().cloned().unwrap_or_default()))?;
            for k in keys {
                let key = Key::parse(k).ok_or_else(|| (name.clone(), k.clone()))?;
                map.bind(action, key);
            }
        }
        Ok(map)
    }

    /// Binds `key` to `action`. A key the configuration gives to an action takes it away
    /// from any other action that shares a screen with it, so one key never means two things.
    fn bind(&mut self, action: Action, key: Key) {
        let bound = self.by_key.entry(key).or_default();
        let clashing: Vec<Action> = bound
            .iter()
            .copied()
            .filter(|old| *old != action && commands::share_a_screen(*old, action))
            .collect();
        bound.retain(|a| !clashing.contains(a));
        for old in clashing {
            if let Some(keys) = self.by_action.get_mut(&old) {
                keys.retain(|k| *k != key);
            }
        }
        if !bound.contains(&action) {
            bound.push(action);
        }
        let keys = self.by_action.entry(action).or_default();
        if !keys.contains(&key) {
            keys.push(key);
        }
    }

    /// The action `key` means on the current screen.
    fn action_for(&self, key: &Key, mode: InputMode) -> Option<Action> {
        let InputMode::Normal(screen) = mode else {
            return None;
        };
        let here = commands::screen_actions(screen);
        self.by_key
            .get(key)?
            .iter()
            .copied()
            .find(|a| here.contains(a))
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
                if matches!(mode, InputMode::Normal(_))
                    && Key::of(k).alt
                    && self.action_for(&Key::of(k), mode).is_none() =>
            {
                let plain = Key {
                    alt: false,
                    ..Key::of(k)
                };
                [
                    Some(Event::Action(Action::Back)),
                    self.action_for(&plain, mode).map(Event::Action),
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
                MouseEventKind::ScrollUp => match mode {
                    InputMode::Normal(_) => vec![Event::Action(Action::Up)],
                    InputMode::Read | InputMode::Help => vec![Event::Edit(Edit::Up)],
                    _ => vec![],
                },
                MouseEventKind::ScrollDown => match mode {
                    InputMode::Normal(_) => vec![Event::Action(Action::Down)],
                    InputMode::Read | InputMode::Help => vec![Event::Edit(Edit::Down)],
                    _ => vec![],
                },
                _ => vec![],
            },
            TermEvent::Resize(w, h) => vec![Event::Resize {
                width: *w,
                height: *h,
            }],
            // A paste arrives whole; in a text field it is typed in, elsewhere ignored so that a
            // stray paste can never fire actions.
            TermEvent::Paste(text) if mode == InputMode::Editor => text
                .chars()
                .filter(|c| *c == '\n' || !c.is_control())
                .map(|c| {
                    let key = if c == '\n' {
                        ratatui_textarea::Key::Enter
                    } else {
                        ratatui_textarea::Key::Char(c)
                    };
                    Event::Editor(ratatui_textarea::Input {
                        key,
                        ..Default::default()
                    })
                })
                .collect(),
            TermEvent::Paste(text)
                if matches!(
                    mode,
                    InputMode::Text
                        | InputMode::Help
                        | InputMode::Form {
                            on_choice: false,
                            ..
                        }
                ) =>
            {
                text.chars()
                    .filter(|c| !c.is_control())
                    .map(|c| Event::Text(InputRequest::InsertChar(c)))
                    .collect()
            }
            _ => vec![],
        }
    }

    fn key(&self, k: &KeyEvent, ev: &TermEvent, mode: InputMode) -> Option<Event> {
        let key = Key::of(k);
        if let InputMode::Normal(_) = mode {
            return self.action_for(&key, mode).map(Event::Action);
        }
        let fixed = fixed_keys(mode).into_iter().find(|f| {
            f.keys
                .iter()
                .filter_map(|name| Key::parse(name))
                .any(|k2| k2 == key)
        });
        if let Some(f) = fixed {
            return Some(Event::Edit(f.edit));
        }
        // Over a text only read (the last shift's handover), the banner's "a 签收" still holds.
        if mode == InputMode::Read
            && self
                .by_key
                .get(&key)
                .is_some_and(|actions| actions.contains(&Action::Acknowledge))
        {
            return Some(Event::Action(Action::Acknowledge));
        }
        match mode {
            InputMode::Choice => match k.code {
                KeyCode::Enter => Some(Event::Edit(Edit::Submit)),
                KeyCode::Char(c) if !key.ctrl && !key.alt => Some(Event::Char(c)),
                _ => None,
            },
            InputMode::Editor => Some(Event::Editor(ratatui_textarea::Input::from(*k))),
            InputMode::Form {
                on_choice: true, ..
            }
            | InputMode::Confirm
            | InputMode::Read => None,
            _ => tui_input::backend::crossterm::to_input_request(ev).map(Event::Text),
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
        extra.insert("acknowledge".to_string(), vec!["A".to_string()]);
        let map = KeyMap::new(&extra).unwrap();
        assert_eq!(map.all(Action::Acknowledge), "a A");
        // A configured key moves from the action it had on the same screen.
        let mut extra = std::collections::BTreeMap::new();
        extra.insert("acknowledge".to_string(), vec!["p".to_string()]);
        let map = KeyMap::new(&extra).unwrap();
        assert_eq!(map.all(Action::InProgress), "");
        extra.insert("quit".to_string(), vec!["hyper-q".to_string()]);
        assert_eq!(
            KeyMap::new(&extra).err(),
            Some(("quit".to_string(), "hyper-q".to_string()))
        );
        // A misspelt action is refused by its name.
        let mut extra = std::collections::BTreeMap::new();
        extra.insert("acknowlege".to_string(), vec!["A".to_string()]);
        assert_eq!(
            KeyMap::new(&extra).err(),
            Some(("acknowlege".to_string(), "A".to_string()))
        );
    }
}
