//! dutydesk: parse the command line (in the operator's language) and run the command.

use std::process::ExitCode;

fn main() -> ExitCode {
    let (cli, name) = dutydesk::cli_help::parse_args();
    dutydesk::logging::init(&dutydesk::paths::default_data_dir().join("logs"));
    dutydesk::commands::run(cli, &name)
}
