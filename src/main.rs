//! dutydesk: parse the command line and run the command.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = dutydesk::cli::Cli::parse();
    dutydesk::logging::init(&dutydesk::commands::default_data_dir().join("dutydesk.log"));
    dutydesk::commands::run(cli)
}
