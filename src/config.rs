//! Every value SPEC.md calls a *default*: one TOML file, read once at start. The built-in
//! defaults equal `data/dutydesk.example.toml` (a test holds them together). Unknown keys and
//! wrong types are refused with the line and the reason, so a typo never silently falls back.

use serde::{Deserialize, Serialize};
use std::path::Path;

pub use crate::domain::policy::{
    AlertConfig, ControlConfig, FollowUpConfig, QuickResponseConfig, QuickResponseStepConfig,
    RewardConfig, Rules, TeamConfig,
};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub area: AreaConfig,
    pub followup: FollowUpConfig,
    pub control: ControlConfig,
    pub team: TeamConfig,
    pub alerts: AlertConfig,
    pub quick_response: QuickResponseConfig,
    pub rewards: RewardConfig,
    pub ssh: SshConfig,
    /// Extra or replacement keys for console actions, by kebab-case action name (the console's
    /// key map checks the names and the keys when it starts).
    pub keys: std::collections::BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AreaConfig {
    /// Shown in the header and on report titles.
    pub name: String,
}

/// The embedded SSH server's limits (`dutydesk serve`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SshConfig {
    /// Seconds a connection has to log in before it is closed.
    pub login_grace_seconds: u32,
    /// Connections still logging in at once; more are closed as they arrive.
    pub max_unauthenticated: u32,
    /// Failed logins per connection (a key an agent only offers is not a failure).
    pub max_auth_tries: u32,
    /// Desk sessions at once; `serve --max-sessions` overrides it.
    pub max_sessions: u32,
}

impl Default for SshConfig {
    fn default() -> Self {
        SshConfig {
            login_grace_seconds: 30,
            max_unauthenticated: 10,
            max_auth_tries: 3,
            max_sessions: 64,
        }
    }
}

impl Default for AreaConfig {
    fn default() -> Self {
        AreaConfig {
            name: "示范区综治中心".into(),
        }
    }
}

impl Rules for Config {
    fn followup(&self) -> &FollowUpConfig {
        &self.followup
    }
    fn control(&self) -> &ControlConfig {
        &self.control
    }
    fn team(&self) -> &TeamConfig {
        &self.team
    }
    fn alerts(&self) -> &AlertConfig {
        &self.alerts
    }
}

/// A configuration file that cannot be used, with where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub reason: String,
}

impl Config {
    pub fn from_toml(text: &str, path: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let (line, column) = match e.span() {
                Some(span) => line_col(text, span.start),
                None => (None, None),
            };
            ConfigError {
                path: path.into(),
                line,
                column,
                reason: e.message().to_string(),
            }
        })?;
        config.validate().map_err(|reason| ConfigError {
            path: path.into(),
            line: None,
            column: None,
            reason,
        })?;
        Ok(config)
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: path.display().to_string(),
            line: None,
            column: None,
            reason: e.to_string(),
        })?;
        Config::from_toml(&text, &path.display().to_string())
    }

    /// Rules serde cannot express: values that would make the schedule or the timer absurd.
    fn validate(&self) -> Result<(), String> {
        let f = &self.followup;
        if f.stable_months == 0 || f.basically_stable_months == 0 || f.unstable_days == 0 {
            return Err("followup intervals must be at least 1".into());
        }
        if f.face_to_face_months == 0 {
            return Err("followup.face_to_face_months must be at least 1".into());
        }
        let c = &self.control;
        if c.level1_days == 0 || c.level2_days == 0 || c.level3_days == 0 {
            return Err("control level intervals must be at least 1 day".into());
        }
        let s = &self.ssh;
        if s.login_grace_seconds == 0
            || s.max_unauthenticated == 0
            || s.max_auth_tries == 0
            || s.max_sessions == 0
        {
            return Err("ssh limits must be at least 1".into());
        }
        if self.quick_response.steps.is_empty() {
            return Err("quick_response.steps must name at least one step".into());
        }
        let mut last = 0;
        for s in &self.quick_response.steps {
            if s.minutes <= last {
                return Err("quick_response.steps must have increasing minutes above 0".into());
            }
            last = s.minutes;
        }
        Ok(())
    }
}

fn line_col(text: &str, offset: usize) -> (Option<usize>, Option<usize>) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map(|l| l.chars().count() + 1);
    (Some(line), column)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../data/dutydesk.example.toml");

    #[test]
    fn built_in_defaults_equal_the_example_file() {
        let parsed = Config::from_toml(EXAMPLE, "example").unwrap();
        assert_eq!(parsed, Config::default());
    }

    #[test]
    fn empty_file_means_all_defaults() {
        assert_eq!(Config::from_toml("", "empty").unwrap(), Config::default());
    }

    #[test]
    fn unknown_key_is_refused_with_its_line() {
        let err =
            Config::from_toml("[followup]\nstable_months = 3\nstabel_days = 4\n", "x").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.reason.contains("stabel_days"), "{}", err.reason);
    }

    #[test]
    fn wrong_type_is_refused_with_its_line() {
        let err = Config::from_toml("[team]\n\nworkload_threshold = \"many\"\n", "x").unwrap_err();
        assert_eq!(err.line, Some(3));
    }

    #[test]
    fn unknown_role_is_refused() {
        let err =
            Config::from_toml("[team]\nrequired_roles_low_risk = [\"mayor\"]\n", "x").unwrap_err();
        assert_eq!(err.line, Some(2));
    }

    #[test]
    fn key_bindings_name_actions_in_kebab_case() {
        let c = Config::from_toml("[keys]\nacknowledge = [\"A\", \"ctrl-k\"]\n", "x").unwrap();
        assert_eq!(c.keys["acknowledge"], vec!["A", "ctrl-k"]);
    }

    #[test]
    fn ssh_login_grace_time_defaults_to_thirty_seconds_and_zero_is_refused() {
        assert_eq!(Config::default().ssh.login_grace_seconds, 30);
        let c = Config::from_toml("[ssh]\nlogin_grace_seconds = 5\n", "x").unwrap();
        assert_eq!(c.ssh.login_grace_seconds, 5);
        assert_eq!(c.ssh.max_auth_tries, 3);
        let err = Config::from_toml("[ssh]\nlogin_grace_seconds = 0\n", "x").unwrap_err();
        assert!(err.reason.contains("ssh"), "{}", err.reason);
    }

    #[test]
    fn decreasing_quick_response_steps_are_refused() {
        let text = "[[quick_response.steps]]\nminutes = 3\nlabel_zh = \"a\"\nlabel_en = \"a\"\n\
                    [[quick_response.steps]]\nminutes = 1\nlabel_zh = \"b\"\nlabel_en = \"b\"\n";
        let err = Config::from_toml(text, "x").unwrap_err();
        assert!(err.reason.contains("increasing"));
    }
}
