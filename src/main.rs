//! dutydesk: parse the command line (in the operator's language) and run the command.

use std::process::ExitCode;

// An import makes and frees millions of small strings on two threads at once; glibc's
// allocator spent a third of the checking core's time on them (mimalloc: 100k patients
// imported in about four fifths of the time).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let (cli, name) = dutydesk::cli_help::parse_args();
    dutydesk::logging::init(&dutydesk::paths::default_data_dir().join("logs"));
    dutydesk::commands::run(cli, &name)
}
