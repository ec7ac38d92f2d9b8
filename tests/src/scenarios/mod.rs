//! The driver scenarios, each body written once, as macros a driver's test file expands:
//! [`crate::driver_scenarios`] expands them all.

mod auth;
mod connection;
mod mock;
mod no_uidplus;
mod porting;
mod real;
mod reconnect;
mod trust;

/// Every driver scenario for one driver: [`crate::mock_server_scenarios`],
/// [`crate::connection_scenarios`], [`crate::auth_scenarios`], [`crate::no_uidplus_scenarios`],
/// [`crate::porting_scenarios`],
/// [`crate::reconnect_scenarios`], [`crate::trust_scenarios`] and
/// [`crate::real_server_scenarios`], with the same
/// parameters. A driver's test file is this call (and, for an async driver, its `block_on`):
///
/// ```text
/// imap_tests::driver_scenarios!(
///     driver = imap_blocking,
///     async = [],
///     await = [],
///     block_on = [],
///     stream = [],
/// );
/// ```
#[macro_export]
macro_rules! driver_scenarios {
    (
        driver = $d:ident,
        async = [$($async:tt)*],
        await = [$($aw:tt)*],
        block_on = [$($block_on:tt)*],
        stream = [$($stream:tt)*] $(,)?
    ) => {
        $crate::mock_server_scenarios!(
            driver = $d,
            async = [$($async)*],
            await = [$($aw)*],
            block_on = [$($block_on)*],
            stream = [$($stream)*],
        );
        $crate::connection_scenarios!(
            driver = $d,
            async = [$($async)*],
            await = [$($aw)*],
            block_on = [$($block_on)*],
            stream = [$($stream)*],
        );
        $crate::auth_scenarios!(
            driver = $d,
            async = [$($async)*],
            await = [$($aw)*],
            block_on = [$($block_on)*],
            stream = [$($stream)*],
        );
        $crate::no_uidplus_scenarios!(
            driver = $d,
            async = [$($async)*],
            await = [$($aw)*],
            block_on = [$($block_on)*],
            stream = [$($stream)*],
        );
        $crate::porting_scenarios!(
            driver = $d,
            async = [$($async)*],
            await = [$($aw)*],
            block_on = [$($block_on)*],
            stream = [$($stream)*],
        );
        $crate::reconnect_scenarios!(
            driver = $d,
            async = [$($async)*],
            await = [$($aw)*],
            block_on = [$($block_on)*],
            stream = [$($stream)*],
        );
        $crate::trust_scenarios!(
            driver = $d,
            async = [$($async)*],
            await = [$($aw)*],
            block_on = [$($block_on)*],
            stream = [$($stream)*],
        );
        $crate::real_server_scenarios!(
            driver = $d,
            async = [$($async)*],
            await = [$($aw)*],
            block_on = [$($block_on)*],
            stream = [$($stream)*],
        );
    };
}
