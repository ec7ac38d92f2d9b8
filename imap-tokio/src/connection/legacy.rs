//! Interim: what the per-concept files and the connector still call while their operations
//! move into `imap_core::ops::op` (issue 13). Each goes once its core operation has landed.

use super::{Connection, Sink};
use crate::error::{Error, Result};
use bytes::Bytes;
use imap_core::client::{CommandId, Completion};
use imap_core::engine::OpContext;
use imap_core::mailbox::SelectedMailbox;
use imap_core::ops::{OpError, Operation, fetch, op};
use imap_core::types::{CommandBody, Section, StatusResponse, Uid};
use std::task::{Poll, ready};
use std::time::Instant;

/// Literals longer than this are streamed by [`Connection::stream_section`].
const STREAM_THRESHOLD: u64 = 64 * 1024;

impl Connection {
    pub(crate) fn set_max_events(&mut self, max: usize) {
        self.engine.set_max_events(max);
    }

    pub(crate) fn core(&self) -> &imap_core::client::Client {
        self.engine.client()
    }

    pub(crate) fn selected(&self) -> Option<&SelectedMailbox> {
        self.engine.selected()
    }

    pub(crate) async fn run(&mut self, body: CommandBody) -> Result<Completion> {
        self.run_op(op::command(body)).await
    }

    pub(crate) async fn wait_greeting(
        &mut self,
        deadline: Option<Instant>,
    ) -> Result<StatusResponse> {
        let greeting = self.run_op(op::Greeting::new());
        match deadline {
            Some(d) => tokio::time::timeout_at(d.into(), greeting)
                .await
                .map_err(|_| Error::Timeout(imap_connect::TimedOut::Greeting))?,
            None => greeting.await,
        }
    }

    pub(crate) async fn start_tls(&mut self, deadline: Option<Instant>) -> Result<()> {
        match deadline {
            Some(d) => tokio::time::timeout_at(d.into(), self.upgrade())
                .await
                .map_err(|_| Error::Timeout(imap_connect::TimedOut::TlsHandshake))?,
            None => self.upgrade().await,
        }
    }

    pub(crate) async fn starttls(&mut self) -> Result<()> {
        self.run_op(op::StartTls::new()).await?;
        if !self.is_tls() {
            return Err(Error::StartTlsUnavailable);
        }
        Ok(())
    }

    pub(crate) async fn stream_section(
        &mut self,
        uid: Uid,
        section: Section,
        out: Sink<'_>,
    ) -> Result<u64> {
        let op = Stream {
            uid,
            section,
            id: None,
        };
        self.run_into(op, Some(out)).await
    }
}

/// One section of one message, streamed.
struct Stream {
    uid: Uid,
    section: Section,
    id: Option<CommandId>,
}

impl Operation for Stream {
    type Output = u64;

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<std::result::Result<u64, OpError>> {
        let id = match self.id {
            Some(id) => id,
            None => {
                cx.stream_literals(STREAM_THRESHOLD);
                let body = fetch::stream_command(self.uid, self.section.clone());
                *self.id.insert(cx.send(body)?)
            }
        };
        let c = ready!(cx.poll_completion(id))?;
        let messages = fetch::messages(&c);
        let m = messages
            .get(&self.uid)
            .ok_or(OpError::NotFound(op::Missing::Message(self.uid)))?;
        if cx.streamed() == 0 {
            let data = m
                .section(&self.section)
                .ok_or(OpError::NotFound(op::Missing::Section(self.uid)))?;
            cx.emit_chunk(Bytes::copy_from_slice(data));
        }
        Poll::Ready(Ok(cx.streamed()))
    }
}
