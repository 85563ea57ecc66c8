//! Just enough HTTP/1.1 for an API on loopback: requests with `Content-Length` bodies,
//! keep-alive, and the two form encodings the API accepted (API-NOTES "Endpoint and action").

use std::io::{self, BufRead, Write};

use qcloud_cdn_refresh::request::{parse_form, percent_decode};

/// Bodies larger than this are refused (413): no API request comes near it.
pub const MAX_BODY: usize = 1 << 20;
const MAX_HEAD: usize = 64 << 10;

#[derive(Debug)]
pub struct Request {
    pub method: String,
    /// The path without the query.
    pub path: String,
    /// What follows `?`, still encoded.
    pub query: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Whether the client asked to close the connection after this exchange.
    pub fn wants_close(&self) -> bool {
        self.header("connection").is_some_and(|c| c.eq_ignore_ascii_case("close"))
    }

    /// The API parameters: the query for GET; the form body (urlencoded or multipart) for POST.
    pub fn params(&self) -> Result<Vec<(String, String)>, String> {
        if self.method == "GET" {
            return parse_form(&self.query).ok_or_else(|| "the query is not valid percent-encoded UTF-8".to_owned());
        }
        let content_type = self.header("content-type").unwrap_or_default();
        let mime = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        let body = std::str::from_utf8(&self.body).map_err(|_| "the body is not UTF-8".to_owned())?;
        match mime.as_str() {
            "application/x-www-form-urlencoded" => parse_form(body).ok_or_else(|| "the form body is not valid percent-encoded UTF-8".to_owned()),
            "multipart/form-data" => {
                let boundary = content_type
                    .split(';')
                    .filter_map(|p| p.trim().strip_prefix("boundary="))
                    .next()
                    .map(|b| b.trim_matches('"'))
                    .ok_or("multipart/form-data without a boundary")?;
                parse_multipart(body, boundary)
            }
            other => Err(format!("unsupported Content-Type {other:?}: send a form")),
        }
    }
}

/// Reads one request; `Ok(None)` when the peer closed the connection cleanly first.
pub fn read_request(r: &mut impl BufRead) -> io::Result<Option<Request>> {
    let mut line = String::new();
    if r.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
    let mut parts = line.trim_end().splitn(3, ' ');
    let (method, target) = match (parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(t), Some(v)) if v.starts_with("HTTP/1.") => (m.to_owned(), t.to_owned()),
        _ => return Err(bad("not an HTTP/1.x request line")),
    };
    let mut headers = Vec::new();
    let mut head = line.len();
    loop {
        line.clear();
        head += r.read_line(&mut line)?;
        if head > MAX_HEAD {
            return Err(bad("header section too large"));
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (k, v) = l.split_once(':').ok_or_else(|| bad("malformed header"))?;
        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), q.to_owned()),
        None => (target, String::new()),
    };
    let mut req = Request { method, path, query, headers, body: Vec::new() };
    if req.header("transfer-encoding").is_some() {
        return Err(bad("chunked bodies are not supported; send Content-Length"));
    }
    let len: usize = req.header("content-length").map_or(Ok(0), |l| l.parse()).map_err(|_| bad("bad Content-Length"))?;
    if len > MAX_BODY {
        return Err(bad("body too large"));
    }
    req.body.resize(len, 0);
    r.read_exact(&mut req.body)?;
    Ok(Some(req))
}

/// A response to write; `Content-Length` is added.
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
    /// Send only the first half of the body that `Content-Length` announces, then close: a
    /// connection lost mid-reply.
    pub cut: bool,
    /// Send the body again and again, with no `Content-Length`, until the client closes the
    /// connection (or [`ENDLESS_MAX`] bytes went out): a file or a stream where a reply should be.
    pub endless: bool,
}

/// Where an endless body ends after all, so that a client that reads it all does not keep a
/// thread of the emulator writing for ever.
pub const ENDLESS_MAX: usize = 1 << 30;

impl Response {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response { status, headers: vec![("content-type", content_type.to_owned())], body: body.into(), cut: false, endless: false }
    }

    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Response {
        Response::new(status, "application/json; charset=utf-8", body)
    }

    pub fn text(status: u16, body: &str) -> Response {
        Response::new(status, "text/plain; charset=utf-8", body)
    }

    /// Writes the response with a `Date` header of `now` (Unix seconds), as an origin server
    /// with a clock must (RFC 9110 §6.6.1) and the API's do: clients correct a skewed clock by it.
    pub fn write_to(&self, w: &mut impl Write, close: bool, now: u64) -> io::Result<()> {
        let mut head = format!("HTTP/1.1 {} {}\r\ndate: {}\r\n", self.status, reason(self.status), http_date(now));
        for (k, v) in &self.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        if !self.endless {
            head.push_str(&format!("content-length: {}\r\n", self.body.len()));
        }
        if close || self.endless {
            head.push_str("connection: close\r\n");
        }
        head.push_str("\r\n");
        w.write_all(head.as_bytes())?;
        w.write_all(if self.cut { &self.body[..self.body.len() / 2] } else { &self.body })?;
        let mut sent = self.body.len();
        while self.endless && sent < ENDLESS_MAX && !self.body.is_empty() {
            w.write_all(&self.body)?;
            sent += self.body.len();
        }
        w.flush()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// The text fields of a `multipart/form-data` body, names percent-decoded as browsers send them.
pub fn parse_multipart(body: &str, boundary: &str) -> Result<Vec<(String, String)>, String> {
    let delimiter = format!("--{boundary}");
    let mut fields = Vec::new();
    let mut parts = body.split(delimiter.as_str());
    if parts.next().is_none() {
        return Err("multipart body without parts".into());
    }
    for part in parts {
        if part.starts_with("--") {
            return Ok(fields);
        }
        let part = part.strip_prefix("\r\n").ok_or("malformed multipart part")?;
        let (head, value) = part.split_once("\r\n\r\n").ok_or("multipart part without a blank line")?;
        let value = value.strip_suffix("\r\n").ok_or("multipart part not ended by CRLF")?;
        let disposition = head
            .split("\r\n")
            .find_map(|h| h.split_once(':').filter(|(k, _)| k.trim().eq_ignore_ascii_case("content-disposition")).map(|(_, v)| v))
            .ok_or("multipart part without Content-Disposition")?;
        let name =
            disposition.split(';').filter_map(|p| p.trim().strip_prefix("name=")).next().map(|n| n.trim_matches('"')).ok_or("multipart part without a name")?;
        fields.push((percent_decode(name).unwrap_or_else(|| name.to_owned()), value.to_owned()));
    }
    Err("multipart body without its closing delimiter".into())
}

/// An IMF-fixdate (RFC 9110 §5.6.7): `Sun, 06 Nov 1994 08:49:37 GMT`.
pub fn http_date(unix: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]; // 1970-01-01 was a Thursday
    let days = unix / 86_400;
    let (y, m, d) = qcloud_cdn_refresh::time::civil_from_days(days);
    let s = unix % 86_400;
    format!(
        "{}, {d:02} {} {y} {:02}:{:02}:{:02} GMT",
        DAYS[(days % 7) as usize],
        qcloud_cdn_refresh::time::MONTHS[m as usize - 1],
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}
