//! The code of every driver's [`Client`](crate::LoginError) and session handles, written once
//! ([`driver_handles!`](crate::driver_handles)): the high-level commands
//! ([`imap_core::ops::Commands`]) and getters ([`imap_core::engine::HasEngine`]) over the
//! driver's transport, logging in (LOGIN, SASL, PREAUTH) from a client into a session, LOGOUT,
//! IDLE and streaming a section into a writer. A driver declares its two handle types and
//! its transport; what differs between a blocking and an async driver is only whether the
//! methods are `async` and await the transport.

/// Writes a driver's `Client` (greeted, not logged in) and `Session` (logged in) methods.
///
/// `driver_handles!(blocking | async, client: Client, session: Session, writer: W)` expects:
/// - `Client` and `Session` are structs with a field `conn` holding the driver's transport
///   (boxed), and `Session::new(conn)` makes a session of it;
/// - the transport has `run(op)` (returning the `Result`, or a future of it when async),
///   `run_into(op, out: W)` (the same, writing streamed chunks to `out`, then flushing it),
///   `logout()`, and its [`Wire`](crate::Wire) in a field `wire` (for the engine).
#[doc(hidden)]
#[macro_export]
macro_rules! driver_handles {
    (blocking, client: $client:ident, session: $session:ident, writer: $w:ty) => {
        $crate::driver_handles!(@commands blocking $client);
        $crate::driver_handles!(@commands blocking $session);
        $crate::driver_handles!(@methods [] [] $client $session $w);
    };
    (async, client: $client:ident, session: $session:ident, writer: $w:ty) => {
        $crate::driver_handles!(@commands async $client);
        $crate::driver_handles!(@commands async $session);
        $crate::driver_handles!(@methods [async] [.await] $client $session $w);
    };
    (@commands blocking $t:ident) => {
        impl $crate::exports::imap_core::ops::Commands for $t {
            type Run<'a, O: $crate::exports::imap_core::ops::Operation + 'a> =
                $crate::Result<O::Output>;

            fn run<'a, O: $crate::exports::imap_core::ops::Operation + 'a>(
                &'a mut self,
                op: O,
            ) -> $crate::Result<O::Output> {
                self.conn.run(op)
            }
        }
        $crate::driver_handles!(@engine $t);
    };
    (@commands async $t:ident) => {
        impl $crate::exports::imap_core::ops::Commands for $t {
            type Run<'a, O: $crate::exports::imap_core::ops::Operation + 'a> =
                $crate::RunFuture<'a, O::Output>;

            fn run<'a, O: $crate::exports::imap_core::ops::Operation + 'a>(
                &'a mut self,
                op: O,
            ) -> $crate::RunFuture<'a, O::Output> {
                ::std::boxed::Box::pin(self.conn.run(op))
            }
        }
        $crate::driver_handles!(@engine $t);
    };
    (@engine $t:ident) => {
        impl $crate::exports::imap_core::engine::HasEngine for $t {
            fn engine(&self) -> &$crate::exports::imap_core::engine::Engine {
                &self.conn.wire.engine
            }

            fn engine_mut(&mut self) -> &mut $crate::exports::imap_core::engine::Engine {
                &mut self.conn.wire.engine
            }
        }
    };
    (@methods [$($async:tt)*] [$($await:tt)*] $client:ident $session:ident $w:ty) => {
        impl $client {
            /// Logs in with LOGIN, or AUTHENTICATE PLAIN when the server disabled LOGIN
            /// ([`op::Login`](imap_core::ops::op::Login)). A password is refused on a
            /// connection without TLS unless the connector allowed it
            /// ([`Error::Usage`](crate::Error::Usage), nothing sent).
            ///
            /// # Errors
            /// A [`LoginError`](crate::LoginError) with the client to try again.
            pub $($async)* fn login(
                self,
                user: &str,
                password: &str,
            ) -> $crate::Result<$session, $crate::LoginError<$client>> {
                let secret = $crate::exports::imap_core::secret::Secret::new(password.to_owned());
                self.log_in($crate::exports::imap_core::ops::op::Login::new(user, secret))
                    $($await)*
            }

            /// Logs in with a SASL mechanism
            /// ([`op::Authenticate`](imap_core::ops::op::Authenticate)).
            ///
            /// # Errors
            /// A [`LoginError`](crate::LoginError) with the client to try again.
            pub $($async)* fn authenticate(
                self,
                mechanism: $crate::exports::Mechanism,
                credentials: $crate::exports::Credentials,
            ) -> $crate::Result<$session, $crate::LoginError<$client>> {
                let op = $crate::exports::imap_core::ops::op::Authenticate::new(mechanism, credentials);
                self.log_in(op) $($await)*
            }

            /// Logs in with the strongest SASL mechanism the server advertises that fits the
            /// credentials ([`op::AuthenticateAuto`](imap_core::ops::op::AuthenticateAuto)).
            ///
            /// # Errors
            /// A [`LoginError`](crate::LoginError) with the client to try again;
            /// [`Error::Usage`](crate::Error::Usage) when no advertised mechanism fits.
            pub $($async)* fn authenticate_auto(
                self,
                credentials: $crate::exports::Credentials,
            ) -> $crate::Result<$session, $crate::LoginError<$client>> {
                let op = $crate::exports::imap_core::ops::op::AuthenticateAuto::new(credentials);
                self.log_in(op) $($await)*
            }

            /// Logs in with any login operation (such as
            /// [`LoginMethod::operation`](crate::LoginMethod::operation)).
            ///
            /// # Errors
            /// A [`LoginError`](crate::LoginError) with the client to try again.
            pub $($async)* fn log_in<O: $crate::exports::imap_core::ops::Operation<Output = ()>>(
                mut self,
                op: O,
            ) -> $crate::Result<$session, $crate::LoginError<$client>> {
                // Through `Commands::run`: an async driver's future of it is boxed, so the
                // caller's future does not keep an operation's state after logging in.
                match $crate::exports::imap_core::ops::Commands::run(&mut self, op) $($await)* {
                    Ok(()) => Ok($session::new(self.conn)),
                    Err(error) => Err($crate::LoginError { error, client: self }),
                }
            }

            /// Logs in with the connector's credentials
            /// ([`Connector::login_method`](crate::Connector::login_method)); without any,
            /// takes the session of a pre-authenticated connection (`into_session`).
            ///
            /// # Errors
            /// A [`LoginError`](crate::LoginError) with the client to try again.
            pub $($async)* fn log_in_with(
                self,
                connector: &$crate::Connector,
            ) -> $crate::Result<$session, $crate::LoginError<$client>> {
                match connector.login_method() {
                    Some(method) => self.log_in(method.operation()) $($await)*,
                    None => self.into_session(),
                }
            }

            /// The session of a connection the server pre-authenticated (`PREAUTH` greeting).
            ///
            /// # Errors
            /// A [`LoginError`](crate::LoginError) when the connection is not authenticated.
            pub fn into_session(self) -> $crate::Result<$session, $crate::LoginError<$client>> {
                use $crate::exports::imap_core::client::{ConnState, UsageError};
                if $crate::exports::imap_core::engine::HasEngine::state(&self)
                    == ConnState::Authenticated
                {
                    return Ok($session::new(self.conn));
                }
                let error = $crate::Error::Usage(UsageError::WrongState {
                    command: "session",
                    state: "not authenticated",
                });
                Err($crate::LoginError { error, client: self })
            }
        }

        impl $session {
            /// Starts IDLE and waits until the server accepts it; the handle
            /// ([`imap_core::ops::Idle`]) waits for updates and ends the IDLE with `DONE`.
            /// Dropping the handle leaves the IDLE to the next operation, which sends `DONE`
            /// first; so does dropping an async driver's future of it (cancel-safe).
            ///
            /// # Errors
            /// As [`op::IdleStart`](imap_core::ops::op::IdleStart).
            pub $($async)* fn idle(
                &mut self,
            ) -> $crate::Result<$crate::exports::imap_core::ops::Idle<'_, $session>> {
                $crate::exports::imap_core::ops::Commands::idle_start(self) $($await)* ?;
                Ok($crate::exports::imap_core::ops::Idle::new(self))
            }

            /// IDLE until something happens or `timeout` passes, then `DONE`: returns the
            /// events (the first and any that came with it; none after a quiet `timeout`).
            ///
            /// # Errors
            /// As `idle` and the handle's `done`.
            pub $($async)* fn idle_for(
                &mut self,
                timeout: ::std::time::Duration,
            ) -> $crate::Result<::std::vec::Vec<$crate::exports::Event>> {
                let mut idle = self.idle() $($await)* ?;
                let first = idle.wait_timeout(timeout) $($await)* ?;
                idle.done() $($await)* ?;
                let rest = $crate::exports::imap_core::engine::HasEngine::drain_events(self);
                Ok(first.into_iter().chain(rest).collect())
            }

            /// `UID FETCH` of `uids` with what `query` asks, each message handed out as it
            /// arrives by the handle's `next` ([`FetchStream`](imap_core::ops::FetchStream),
            /// as go-imap's `FetchCommand.Next()`), `None` after the last: what the session
            /// holds does not grow with the number of messages, where `fetch` collects them
            /// all first. Dropping the handle early leaves the rest of the answer to the next
            /// operation, which reads and drops it.
            ///
            /// # Errors
            /// As any command (the handle's `next` fails when the server refuses the FETCH).
            pub $($async)* fn fetch_stream(
                &mut self,
                uids: &$crate::exports::types::UidSet,
                query: &$crate::exports::imap_core::ops::fetch::FetchQuery,
            ) -> $crate::Result<$crate::exports::imap_core::ops::FetchStream<'_, $session>> {
                let op = $crate::exports::imap_core::ops::op::FetchStart::new(query.command(uids.clone()));
                let id = self.conn.run(op) $($await)* ?;
                Ok($crate::exports::imap_core::ops::FetchStream::new(self, id))
            }

            /// Writes one section of a message (`Section::default()` for the whole message)
            /// to `out` as it arrives, without holding it in memory
            /// ([`op::StreamSection`](imap_core::ops::op::StreamSection)), then flushes it;
            /// returns the number of bytes written. An async future dropped in the middle
            /// leaves the connection usable, but `out` may hold part of the section.
            ///
            /// # Errors
            /// [`Error::NotFound`](crate::Error::NotFound) when the server sent no such
            /// message or section, `out`'s errors, or as any command.
            pub $($async)* fn fetch_to_writer(
                &mut self,
                uid: $crate::exports::types::Uid,
                section: $crate::exports::types::Section,
                out: $w,
            ) -> $crate::Result<u64> {
                let op = $crate::exports::imap_core::ops::op::StreamSection::new(uid, section);
                self.conn.run_into(op, out) $($await)*
            }

            /// Writes a whole message (RFC 5322, as an `.eml` file holds it) to `out`.
            ///
            /// # Errors
            /// As `fetch_to_writer`.
            pub $($async)* fn download(
                &mut self,
                uid: $crate::exports::types::Uid,
                out: $w,
            ) -> $crate::Result<u64> {
                self.fetch_to_writer(uid, ::std::default::Default::default(), out) $($await)*
            }
        }

        $crate::driver_handles!(@logout [$($async)*] [$($await)*] $client);
        $crate::driver_handles!(@logout [$($async)*] [$($await)*] $session);
    };
    (@logout [$($async:tt)*] [$($await:tt)*] $t:ident) => {
        impl $t {
            /// LOGOUT ([`op::Logout`](imap_core::ops::op::Logout)), then closes the
            /// connection.
            ///
            /// # Errors
            /// When LOGOUT fails; [`Error::Closed`](crate::Error::Closed) when the connection
            /// was already logged out.
            pub $($async)* fn logout(mut self) -> $crate::Result<()> {
                self.conn.logout() $($await)*
            }
        }
    };
}
