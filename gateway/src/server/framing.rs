//! The protocol's JSON error body on the framing path. hyper answers a
//! request it cannot parse by itself (400 for a malformed request line or
//! header, 414 for a too-long URI, 431 for a too-large head) with an empty
//! body, before any handler runs. This wrapper of the connection's stream
//! recognises that automatic answer as it is written (one of those statuses,
//! `content-length: 0`, head only: the gateway's own errors always carry a
//! body) and writes the same status with the protocol's JSON error body
//! instead. hyper closes the connection after it.

use std::{
    io,
    pin::Pin,
    task::{Context, Poll, ready},
};

use splitline_protocol::{ErrorBody, ErrorCode};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A connection's stream whose framing errors are rewritten to JSON.
pub(super) struct JsonFramingErrors<S> {
    inner: S,
    /// A rewritten answer, and how much of it is written.
    pending: Option<(Vec<u8>, usize)>,
}

impl<S> JsonFramingErrors<S> {
    /// Wraps a connection's stream.
    pub(super) fn new(inner: S) -> Self {
        Self {
            inner,
            pending: None,
        }
    }
}

impl<S: AsyncWrite + Unpin> JsonFramingErrors<S> {
    /// Writes what is left of a rewritten answer.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = &mut self.pending {
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &bytes[*written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
            if *written == bytes.len() {
                self.pending = None;
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for JsonFramingErrors<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for JsonFramingErrors<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        match json_answer(buf) {
            Some(answer) => {
                this.pending = Some((answer, 0));
                // What is not written now is written by the flush that follows.
                if let Poll::Ready(Err(error)) = this.poll_pending(cx) {
                    return Poll::Ready(Err(error));
                }
                Poll::Ready(Ok(buf.len()))
            }
            None => Pin::new(&mut this.inner).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

/// The JSON answer for hyper's automatic answer in `head`, if it is one.
fn json_answer(head: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(head).ok()?;
    let head = text.strip_suffix("\r\n\r\n")?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let status = status_line
        .strip_prefix("HTTP/1.1 ")
        .or_else(|| status_line.strip_prefix("HTTP/1.0 "))?;
    let (code, message) = match status.get(..3)? {
        "400" => (
            ErrorCode::InvalidRequest,
            "the request line or a header is malformed; see docs/protocol.md",
        ),
        "414" => (
            ErrorCode::UriTooLong,
            "the request path is longer than the gateway accepts",
        ),
        "431" => (
            ErrorCode::HeadersTooLarge,
            "the request headers are larger than the gateway accepts",
        ),
        _ => return None,
    };
    let headers: Vec<&str> = lines.collect();
    if !headers
        .iter()
        .any(|h| h.eq_ignore_ascii_case("content-length: 0"))
    {
        return None;
    }
    let body = serde_json::to_string(&ErrorBody {
        code,
        message: message.to_owned(),
        reason: None,
    })
    .ok()?;
    let mut answer = format!(
        "{status_line}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for header in headers {
        let name = header.split(':').next().unwrap_or_default();
        if !["content-length", "content-type", "connection"]
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n))
        {
            answer.push_str(header);
            answer.push_str("\r\n");
        }
    }
    answer.push_str("\r\n");
    answer.push_str(&body);
    Some(answer.into_bytes())
}

#[cfg(test)]
mod tests;
