//! A server that answers badly: not JSON, truncated, odd shapes, huge, byte by byte, or
//! never. Each ends in a clear error or a timeout, never a panic or a hang.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wa_groups::api::{AccessToken, ApiError, Client, ClientSettings};

/// How the raw server answers each request.
#[derive(Clone, Copy)]
enum Answer {
    Raw(&'static str),
    /// A status line and headers claiming more body than is sent, then close.
    Truncated,
    /// A chunked body of this many MiB.
    Huge(usize),
    /// One byte every 200 ms.
    Trickle,
    Never,
}

async fn read_request(stream: &mut TcpStream) {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
}

async fn serve(answer: Answer) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                read_request(&mut stream).await;
                match answer {
                    Answer::Raw(text) => {
                        let _ = stream.write_all(text.as_bytes()).await;
                    }
                    Answer::Truncated => {
                        let _ = stream
                            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"id\": \"g\", \"partic")
                            .await;
                    }
                    Answer::Huge(mib) => {
                        let _ = stream
                            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
                            .await;
                        let chunk = vec![b' '; 1024 * 1024];
                        for _ in 0..mib {
                            let head = format!("{:x}\r\n", chunk.len());
                            if stream.write_all(head.as_bytes()).await.is_err()
                                || stream.write_all(&chunk).await.is_err()
                                || stream.write_all(b"\r\n").await.is_err()
                            {
                                return;
                            }
                        }
                        let _ = stream.write_all(b"0\r\n\r\n").await;
                    }
                    Answer::Trickle => {
                        for b in b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}" {
                            if stream.write_all(&[*b]).await.is_err() {
                                return;
                            }
                            tokio::time::sleep(Duration::from_millis(200)).await;
                        }
                    }
                    Answer::Never => tokio::time::sleep(Duration::from_secs(120)).await,
                }
                let _ = stream.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

fn client(base: &str) -> Client {
    let token = AccessToken::new("tok").expect("token");
    let mut settings =
        ClientSettings::new(base, "v23.0", token, "100000000000001").expect("settings");
    settings.request_timeout = Duration::from_secs(2);
    Client::new(settings).expect("client")
}

async fn group_info(answer: Answer) -> (Result<wa_groups::api::GroupInfo, ApiError>, Duration) {
    let base = serve(answer).await;
    let started = Instant::now();
    let result = client(&base).group_info("g").await;
    (result, started.elapsed())
}

fn json_200(body: &'static str) -> Answer {
    // Leaked once per test: the raw server wants 'static text.
    let text = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    Answer::Raw(Box::leak(text.into_boxed_str()))
}

#[tokio::test]
async fn a_body_that_is_not_json() {
    let (res, _) = group_info(json_200("<html>Service Unavailable</html>")).await;
    let err = res.expect_err("not json");
    assert!(
        matches!(err, ApiError::NotJson { status: 200, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("Service Unavailable"), "{err}");
}

#[tokio::test]
async fn a_body_cut_short() {
    let (res, _) = group_info(Answer::Truncated).await;
    let err = res.expect_err("truncated");
    assert!(matches!(err, ApiError::NoAnswer { .. }), "{err:?}");
}

#[tokio::test]
async fn unexpected_and_missing_fields() {
    // Extra fields and numbers as strings are fine.
    let (res, _) = group_info(json_200(
        r#"{"id":"g","subject":7,"participants":[{"wa_id":12025550143},{"x":1}],"total_participant_count":"1","new_field":{"a":[1,2]}}"#,
    ))
    .await;
    let info = res.expect("lenient");
    let members: Vec<&str> = info.participants.iter().map(|p| p.user_ref()).collect();
    assert_eq!(members, ["+12025550143"]);
    assert_eq!(info.subject, "7");
    // Members not named: an error, never an empty group.
    let (res, _) = group_info(json_200(r#"{"id":"g","total_participant_count":3}"#)).await;
    assert!(matches!(res, Err(ApiError::BadAnswer(_))), "{res:?}");
    // Not even an object.
    let (res, _) = group_info(json_200(r#"[1,2,3]"#)).await;
    assert!(res.is_err());
    let (res, _) = group_info(json_200(r#"null"#)).await;
    assert!(res.is_err());
}

#[tokio::test]
async fn a_huge_body_is_not_read_past_8_mib() {
    let (res, took) = group_info(Answer::Huge(20)).await;
    let err = res.expect_err("huge");
    assert!(matches!(err, ApiError::TooLarge { .. }), "{err:?}");
    assert!(took < Duration::from_secs(10));
}

#[tokio::test]
async fn a_server_answering_byte_by_byte_times_out() {
    let (res, took) = group_info(Answer::Trickle).await;
    let err = res.expect_err("trickle");
    assert!(
        matches!(err, ApiError::Timeout(_) | ApiError::NoAnswer { .. }),
        "{err:?}"
    );
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let (res, took) = group_info(Answer::Never).await;
    let err = res.expect_err("never");
    assert!(matches!(err, ApiError::Timeout(_)), "{err:?}");
    assert!(err.outcome_unknown());
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[tokio::test]
async fn garbage_instead_of_http() {
    let (res, _) = group_info(Answer::Raw("SSH-2.0-OpenSSH_9.6\r\n")).await;
    let err = res.expect_err("not http");
    assert!(err.to_string().len() < 300, "{err}");
}
