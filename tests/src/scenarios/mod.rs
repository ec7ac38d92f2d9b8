//! The driver scenarios, each body written once, as macros a driver's test file expands (see
//! [`crate::mock_server_scenarios`]).

mod mock;
mod real;
