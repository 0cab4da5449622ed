//! dutydesk: a terminal duty console for the management of patients with severe mental
//! disorders. The library holds everything; `main.rs` only picks a command.

pub mod app;
pub mod cli;
pub mod cli_help;
pub mod commands;
pub mod config;
pub mod console;
pub mod demo;
pub mod desk;
pub mod domain;
pub mod export;
pub mod files;
pub mod i18n;
pub mod import;
pub mod logging;
pub mod paths;
pub mod report;
pub mod ssh;
pub mod store;
pub mod term;
pub mod ui;
