//! IMAPClient's `oauth2_refresh_token` against a token endpoint on 127.0.0.1: the request
//! [`RefreshToken`] makes, the endpoint's refusal as a sentence, and the connector the INI file
//! makes logging in to the mock server with the tokens the endpoint gives, asking again when
//! the server says the first one expired.

use imap_blocking::prelude::*;
use imap_core::sasl::TokenProvider;
use imap_examples::ConnectArgs;
use imap_examples::oauth2::RefreshToken;
use mock_server::listener::MockServer;
use mock_server::store::Store;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::thread;
use std::time::Duration;

/// A token endpoint on 127.0.0.1 answering one request per `(status, body)` of `answers`, in
/// order; the thread gives back the requests' bodies.
fn endpoint(answers: Vec<(&'static str, String)>) -> (String, thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/token", listener.local_addr().unwrap());
    let handle = thread::spawn(move || {
        let mut requests = Vec::new();
        for (status, body) in answers {
            let (stream, _) = listener.accept().unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let mut reader = BufReader::new(stream);
            let mut length = 0;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some((name, value)) = line.split_once(':')
                    && name.eq_ignore_ascii_case("content-length")
                {
                    length = value.trim().parse().unwrap();
                }
            }
            let mut request = vec![0; length];
            reader.read_exact(&mut request).unwrap();
            let mut stream = reader.into_inner();
            write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
            requests.push(String::from_utf8(request).unwrap());
        }
        requests
    });
    (url, handle)
}

/// A token endpoint's answer granting `token`, as Google's is.
fn granted(token: &str) -> (&'static str, String) {
    (
        "200 OK",
        format!(r#"{{"access_token":"{token}","expires_in":3600,"token_type":"Bearer"}}"#),
    )
}

fn refresher(url: String) -> RefreshToken {
    RefreshToken::new(url, "id", "s&cret", "1//refresh", Duration::from_secs(10))
}

#[test]
fn a_refresh_token_is_exchanged_for_an_access_token() {
    let (url, server) = endpoint(vec![granted("ya29.fresh")]);
    let token = refresher(url).token("alice", false).unwrap();
    assert_eq!(token.expose(), "ya29.fresh");
    let requests = server.join().unwrap();
    let mut fields: Vec<&str> = requests[0].split('&').collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "client_id=id",
            "client_secret=s%26cret",
            "grant_type=refresh_token",
            "refresh_token=1%2F%2Frefresh",
        ]
    );
}

#[test]
fn a_refused_refresh_token_is_a_sentence() {
    let (url, server) = endpoint(vec![(
        "400 Bad Request",
        r#"{"error":"invalid_grant"}"#.to_owned(),
    )]);
    let err = refresher(url.clone()).token("alice", true).unwrap_err();
    server.join().unwrap();
    assert_eq!(
        err.to_string(),
        format!(
            "no OAuth 2.0 token: the token endpoint {url} refused the refresh token: \
             HTTP 400, invalid_grant"
        )
    );
}

#[test]
fn an_answer_without_a_token_is_an_error() {
    let (url, server) = endpoint(vec![("200 OK", r#"{"token_type":"Bearer"}"#.to_owned())]);
    let err = refresher(url.clone()).refresh().unwrap_err();
    server.join().unwrap();
    assert_eq!(
        err.to_string(),
        format!("no OAuth 2.0 token: the token endpoint {url} answered without an access_token")
    );
}

#[test]
fn an_unreachable_endpoint_is_an_error() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/token", listener.local_addr().unwrap());
    drop(listener);
    let err = refresher(url.clone()).refresh().unwrap_err().to_string();
    assert!(
        err.starts_with(&format!(
            "no OAuth 2.0 token: the token endpoint {url} failed: "
        )),
        "{err}"
    );
}

/// Writes `ini` to a file of its own and resolves the examples' options from it.
fn resolve_ini(name: &str, ini: &str) -> Result<imap_examples::options::Target, String> {
    let dir = std::env::temp_dir().join(format!("imap-examples-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("imap.ini");
    std::fs::write(&path, ini).unwrap();
    let target = ConnectArgs {
        config: Some(path),
        ..ConnectArgs::default()
    }
    .resolve()
    .map_err(|e| e.to_string());
    std::fs::remove_dir_all(&dir).unwrap();
    target
}

/// The shell's INI file with IMAPClient's OAuth 2.0 keys and `oauth2_url`: the first token
/// the endpoint gives is refused by the server as expired, the connector asks the endpoint
/// again and logs in with the second.
#[test]
fn the_ini_files_refresh_token_logs_in_and_is_refreshed_when_expired() {
    let store = Store::new();
    store.add_user("alice", "unused-password").unwrap();
    store.add_oauth_token("alice", "ya29.fresh").unwrap();
    let server = MockServer::builder()
        .store(store)
        .oauth(true)
        .allow_plaintext_login()
        .start()
        .unwrap();
    let (url, endpoint) = endpoint(vec![granted("ya29.stale"), granted("ya29.fresh")]);
    let target = resolve_ini(
        "oauth2-login",
        &format!(
            "[DEFAULT]\nhost = 127.0.0.1\nport = {}\nssl = false\nusername = alice\n\
             timeout = 10\noauth2 = true\noauth2_client_id = id\n\
             oauth2_client_secret = secret\noauth2_refresh_token = 1//refresh\n\
             oauth2_url = {url}\n",
            server.addr().port()
        ),
    )
    .unwrap();
    let mut session = target.connector.login().unwrap();
    session.noop().unwrap();
    session.logout().unwrap();
    let requests = endpoint.join().unwrap();
    assert_eq!(requests.len(), 2);
    for request in requests {
        assert!(request.contains("grant_type=refresh_token"), "{request}");
        assert!(
            request.contains("refresh_token=1%2F%2Frefresh"),
            "{request}"
        );
    }
}

#[test]
fn an_unknown_host_without_oauth2_url_is_a_sentence() {
    let err = resolve_ini(
        "oauth2-unknown",
        "[DEFAULT]\nhost = imap.example.org\nusername = alice\noauth2 = true\n\
         oauth2_client_id = id\noauth2_client_secret = secret\noauth2_refresh_token = r\n",
    )
    .unwrap_err();
    assert_eq!(
        err,
        "no OAuth 2.0 token endpoint for imap.example.org: give it as oauth2_url in the INI \
         file (or IMAP_OAUTH2_URL) to exchange oauth2_refresh_token"
    );
    let target = resolve_ini(
        "oauth2-gmail",
        "[DEFAULT]\nhost = imap.gmail.com\nusername = alice\noauth2 = true\n\
         oauth2_client_id = id\noauth2_client_secret = secret\noauth2_refresh_token = r\n",
    )
    .unwrap();
    assert!(target.connector.login_method().is_some());
    let err = resolve_ini(
        "oauth2-no-client",
        "[DEFAULT]\nhost = imap.gmail.com\nusername = alice\noauth2 = true\n\
         oauth2_refresh_token = r\n",
    )
    .unwrap_err();
    assert_eq!(
        err,
        "oauth2 = true with oauth2_refresh_token needs oauth2_client_id and oauth2_client_secret"
    );
}
