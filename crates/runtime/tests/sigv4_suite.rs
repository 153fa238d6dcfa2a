//! The public AWS SigV4 test suite (`../shared/sigv4-test-suite/v4`, read in place): for every
//! case, the verifier rebuilds exactly the canonical request, string to sign and signature given
//! from the signed request, accepts it, and rejects it once any signed part is altered.

use std::fs;
use std::path::{Path, PathBuf};

use smithy_server_runtime::Timestamp;
use smithy_server_runtime::sigv4::{
    AuthError, SigningInput, Verifier, canonical_request, parse_authorization, sign, signing_key,
    string_to_sign,
};

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/sigv4-test-suite/v4")
}

/// A raw request from the suite: request line, headers (folded lines joined with a space), body.
struct RawRequest {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl RawRequest {
    fn parse(text: &str) -> Self {
        let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
        let mut lines = head.lines();
        let request_line = lines.next().expect("request line");
        let (method, rest) = request_line.split_once(' ').expect("method");
        let target = rest.strip_suffix(" HTTP/1.1").unwrap_or(rest);
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in lines {
            if line.starts_with([' ', '\t']) {
                let last = headers.last_mut().expect("a folded line follows a header");
                last.1.push(' ');
                last.1.push_str(line.trim());
            } else {
                let (name, value) = line.split_once(':').expect("header line");
                headers.push((name.to_ascii_lowercase(), value.trim_start().to_owned()));
            }
        }
        Self {
            method: method.to_owned(),
            path: path.to_owned(),
            query: query.to_owned(),
            headers,
            body: body.as_bytes().to_vec(),
        }
    }

    fn input(&self) -> SigningInput<'_> {
        SigningInput {
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers: self.headers.clone(),
            payload: &self.body,
        }
    }
}

struct Case {
    name: String,
    request: RawRequest,
    canonical: String,
    string_to_sign: Option<String>,
    signature: Option<String>,
    secret: String,
    normalize: bool,
    time: Option<Timestamp>,
}

fn cases() -> Vec<Case> {
    let dir = suite_dir();
    let mut names: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.join("header-signed-request.txt").exists())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|path| {
            let read = |file: &str| fs::read_to_string(path.join(file)).ok();
            let context: serde_json::Value = read("context.json")
                .map(|text| serde_json::from_str(&text).unwrap())
                .unwrap_or_default();
            Case {
                name: path.file_name().unwrap().to_string_lossy().into_owned(),
                request: RawRequest::parse(&read("header-signed-request.txt").unwrap()),
                canonical: read("header-canonical-request.txt")
                    .unwrap()
                    .trim_end_matches('\n')
                    .to_owned(),
                string_to_sign: read("header-string-to-sign.txt")
                    .map(|s| s.trim_end_matches('\n').to_owned()),
                signature: read("header-signature.txt").map(|s| s.trim().to_owned()),
                secret: context["credentials"]["secret_access_key"]
                    .as_str()
                    .unwrap_or("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
                    .to_owned(),
                normalize: context["normalize"].as_bool().unwrap_or(true),
                time: context["timestamp"]
                    .as_str()
                    .and_then(Timestamp::parse_date_time),
            }
        })
        .collect()
}

fn verifier(case: &Case) -> Verifier {
    Verifier {
        normalize_path: case.normalize,
        ..Verifier::new("service")
    }
}

#[test]
fn rebuilds_every_canonical_request_string_to_sign_and_signature() {
    let cases = cases();
    assert!(cases.len() >= 30, "only {} suite cases found", cases.len());
    for case in &cases {
        let input = case.request.input();
        let header = input.header_values("authorization").next().unwrap();
        let authorization = parse_authorization(header).unwrap();
        let canonical = canonical_request(&input, &authorization.signed_headers, case.normalize);
        let mut expected = case.canonical.clone();
        if case.time.is_none() {
            // Cases without a context.json come from a test that signs at its own fixed time:
            // their canonical request carries that time, not the X-Amz-Date of the request.
            let date = input.header_values("x-amz-date").next().unwrap();
            expected = expected
                .lines()
                .map(|line| match line.strip_prefix("x-amz-date:") {
                    Some(_) => format!("x-amz-date:{date}"),
                    None => line.to_owned(),
                })
                .collect::<Vec<_>>()
                .join("\n");
        }
        assert_eq!(canonical, expected, "{}: canonical request", case.name);
        // One case gives only the canonical request (its secret is not published).
        let Some(expected_string_to_sign) = &case.string_to_sign else {
            continue;
        };
        let scope_line = expected_string_to_sign.lines().nth(2).unwrap();
        let timestamp = expected_string_to_sign.lines().nth(1).unwrap();
        assert_eq!(
            &string_to_sign(timestamp, scope_line, &canonical),
            expected_string_to_sign,
            "{}: string to sign",
            case.name
        );
        let credential = &authorization.credential;
        let key = signing_key(
            &case.secret,
            &credential.date,
            &credential.region,
            &credential.service,
        );
        let signature = sign(&key, expected_string_to_sign);
        assert_eq!(signature, authorization.signature, "{}", case.name);
        if let Some(expected) = &case.signature {
            assert_eq!(&signature, expected, "{}: signature", case.name);
        }
    }
}

#[test]
fn accepts_every_signed_request_and_rejects_it_altered() {
    let mut checked = 0;
    for case in cases() {
        let Some(now) = case.time else { continue };
        let verifier = verifier(&case);
        let secret = case.secret.as_str();
        let verify =
            |request: &RawRequest| verifier.verify(&request.input(), now, |_| Some(secret));
        verify(&case.request).unwrap_or_else(|e| panic!("{}: {e}", case.name));

        let signed: Vec<String> = {
            let input = case.request.input();
            let header = input.header_values("authorization").next().unwrap();
            parse_authorization(header).unwrap().signed_headers
        };
        let mut alterations: Vec<(&str, RawRequest)> = Vec::new();
        let copy = |r: &RawRequest| RawRequest {
            method: r.method.clone(),
            path: r.path.clone(),
            query: r.query.clone(),
            headers: r.headers.clone(),
            body: r.body.clone(),
        };
        let mut method = copy(&case.request);
        method.method = if method.method == "GET" {
            "POST"
        } else {
            "GET"
        }
        .to_owned();
        alterations.push(("method", method));
        let mut path = copy(&case.request);
        path.path.push('x');
        alterations.push(("path", path));
        let mut query = copy(&case.request);
        query.query.push_str(if query.query.is_empty() {
            "a=b"
        } else {
            "&a=b"
        });
        alterations.push(("query", query));
        let mut body = copy(&case.request);
        body.body.extend_from_slice(b"!");
        alterations.push(("body", body));
        for name in &signed {
            let mut header = copy(&case.request);
            match header.headers.iter_mut().find(|(n, _)| n == name) {
                Some((_, value)) => value.push('x'),
                None => continue,
            }
            alterations.push(("signed header", header));
        }
        let mut signature = copy(&case.request);
        for (name, value) in &mut signature.headers {
            if name == "authorization" {
                let last = value.pop().unwrap();
                value.push(if last == '0' { '1' } else { '0' });
            }
        }
        alterations.push(("signature", signature));
        for (what, request) in &alterations {
            match verify(request) {
                Err(AuthError::InvalidSignature(_) | AuthError::IncompleteSignature(_)) => {}
                other => panic!("{}: altered {what} gave {other:?}", case.name),
            }
        }
        // The wrong secret, the wrong service, and a request time out of the skew window.
        assert!(matches!(
            verifier.verify(&case.request.input(), now, |_| Some("not the secret")),
            Err(AuthError::InvalidSignature(_))
        ));
        assert!(matches!(
            Verifier::new("rekognition").verify(&case.request.input(), now, |_| Some(secret)),
            Err(AuthError::InvalidSignature(message)) if message.contains("'rekognition'")
        ));
        let late = Timestamp::from_secs(now.secs() + 15 * 60 + 1);
        assert!(matches!(
            verifier.verify(&case.request.input(), late, |_| Some(secret)),
            Err(AuthError::InvalidSignature(message)) if message.starts_with("Signature expired")
        ));
        let early = Timestamp::from_secs(now.secs() - 15 * 60 - 1);
        assert!(matches!(
            verifier.verify(&case.request.input(), early, |_| Some(secret)),
            Err(AuthError::InvalidSignature(message)) if message.starts_with("Signature not yet current")
        ));
        assert_eq!(
            verifier
                .verify(&case.request.input(), now, |_| None)
                .unwrap_err(),
            AuthError::UnrecognizedClient
        );
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} cases verified");
}
