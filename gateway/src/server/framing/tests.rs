use super::*;

const HYPER_431: &[u8] = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: Tue, 01 Dec 2026 13:00:00 GMT\r\n\r\n";

#[test]
fn hypers_empty_framing_errors_become_json() {
    let answer = String::from_utf8(json_answer(HYPER_431).unwrap()).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
    assert!(head.contains("\r\ncontent-type: application/json\r\n"));
    assert!(head.contains(&format!("\r\ncontent-length: {}\r\n", body.len())));
    assert!(head.contains("\r\ndate: Tue, 01 Dec 2026 13:00:00 GMT"));
    assert!(!head.contains("content-length: 0"));
    let body: ErrorBody = serde_json::from_str(body).unwrap();
    assert_eq!(body.code, ErrorCode::HeadersTooLarge);
    for (status, code) in [
        ("400 Bad Request", ErrorCode::InvalidRequest),
        ("414 URI Too Long", ErrorCode::UriTooLong),
    ] {
        let head = format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\n\r\n");
        let answer = String::from_utf8(json_answer(head.as_bytes()).unwrap()).unwrap();
        let body: ErrorBody =
            serde_json::from_str(answer.split_once("\r\n\r\n").unwrap().1).unwrap();
        assert_eq!(body.code, code);
    }
}

#[test]
fn other_writes_pass_unchanged() {
    for bytes in [
        // The gateway's own errors have a body.
        &b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 20\r\n\r\n"[..],
        b"HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\n{}",
        b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
        b"{\"code\":\"invalid_request\"}",
    ] {
        assert!(json_answer(bytes).is_none(), "{}", String::from_utf8_lossy(bytes));
    }
}

#[tokio::test]
async fn the_answer_is_written_whole_through_a_slow_stream() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (client, server) = tokio::io::duplex(16);
    let mut wrapped = JsonFramingErrors::new(server);
    let writer = tokio::spawn(async move {
        wrapped.write_all(HYPER_431).await.unwrap();
        wrapped.flush().await.unwrap();
        wrapped.shutdown().await.unwrap();
    });
    let mut received = String::new();
    let mut client = client;
    client.read_to_string(&mut received).await.unwrap();
    writer.await.unwrap();
    assert_eq!(
        received.as_bytes(),
        json_answer(HYPER_431).unwrap().as_slice()
    );
}
