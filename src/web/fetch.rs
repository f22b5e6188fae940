//! The range client on `fetch`: `Range: bytes=a-b` requests checked against
//! the rules of `crate::net`, cancellable with an `AbortSignal`, tried
//! again after failures that may pass (`net::retry_delay`) and given up
//! when the server does not answer (`net::ANSWER_TIMEOUT_MS`). No
//! dependency on an HTTP crate: the browser does the transport.

use std::future::Future;

use js_sys::Uint8Array;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortSignal, Headers, ReadableStreamDefaultReader, RequestCache, RequestInit, Response,
};

use crate::net::{
    check_answer, check_request, retry_delay, take_bytes, ByteRange, FetchError, ANSWER_TIMEOUT_MS,
};

/// Fetches `range` of `url` (rules in `crate::net`). Expects 206; a server that ignores
/// `Range` (200) is tolerated for a small file (the slice is taken) and
/// reported as `FetchError::ServerIgnoresRange` for a large one, without
/// downloading it. `signal` cancels the request (`FetchError::Aborted`).
pub fn fetch_range<'a>(
    url: &'a str,
    range: ByteRange,
    signal: &'a AbortSignal,
) -> impl Future<Output = Result<Vec<u8>, FetchError>> + 'a {
    read_range(url, range, signal, true)
}

/// [`fetch_range`], outside the browser's HTTP cache without `store`: for
/// the first bytes of a file that is then read whole, as a cache that kept
/// them turns the whole read into a range request (`Range` with
/// `If-Range`), which no server compresses (the national EPCI overview
/// then came raw, 613 KB, instead of its 166 KB gzip copy). `fetch_range`
/// returns this very future: an `async` wrapper would compile its state
/// machine a second time (about 500 bytes of brotli).
pub async fn read_range(
    url: &str,
    range: ByteRange,
    signal: &AbortSignal,
    store: bool,
) -> Result<Vec<u8>, FetchError> {
    let range = check_request(range)?;
    let headers = Headers::new().map_err(network)?;
    headers
        .set("Range", &range.http_header())
        .map_err(network)?;
    let response = send(url, Some(&headers), signal, store).await?;
    let content_range = header(&response, "content-range");
    let content_length = header(&response, "content-length").and_then(|v| v.trim().parse().ok());
    let answer = match check_answer(
        range,
        response.status(),
        content_range.as_deref(),
        content_length,
    ) {
        Ok(a) => a,
        Err(e) => {
            // Do not download a body we refuse (a whole large file).
            if let Some(body) = response.body() {
                let _ = body.cancel();
            }
            return Err(e);
        }
    };
    let body = body_bytes(&response).await?;
    take_bytes(range, answer, body)
}

/// Fetches a whole small document (the manifest) as text; any status other
/// than 2xx is an error.
pub async fn fetch_text(url: &str, signal: &AbortSignal) -> Result<String, FetchError> {
    let response = send_ok(url, signal).await?;
    let text = JsFuture::from(response.text().map_err(network)?)
        .await
        .map_err(network)?;
    text.as_string()
        .ok_or_else(|| FetchError::Network("response body is not text".into()))
}

/// Fetches a whole file (an overview, read in one request; the server may
/// send its precompressed copy, which the browser decodes).
pub async fn fetch_bytes(url: &str, signal: &AbortSignal) -> Result<Vec<u8>, FetchError> {
    let response = send_ok(url, signal).await?;
    body_bytes(&response).await
}

/// [`fetch_bytes`], handing `seen` the bytes read so far after each piece
/// of the body: a national overview is decoded while the rest of it
/// downloads, instead of after its last byte.
pub async fn fetch_bytes_as_they_come(
    url: &str,
    signal: &AbortSignal,
    mut seen: impl FnMut(&[u8]),
) -> Result<Vec<u8>, FetchError> {
    let response = send_ok(url, signal).await?;
    let Some(body) = response.body() else {
        return Ok(Vec::new());
    };
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut bytes = Vec::new();
    loop {
        let piece = JsFuture::from(reader.read()).await.map_err(network)?;
        let field = |name: &str| js_sys::Reflect::get(&piece, &JsValue::from_str(name));
        if field("done").map_err(network)?.is_truthy() {
            return Ok(bytes);
        }
        // Copied out whole: zeroing room for it first (`resize`) ran a
        // byte loop over the 600 KB of a national overview.
        let chunk = Uint8Array::new(&field("value").map_err(network)?).to_vec();
        if bytes.is_empty() {
            bytes = chunk;
        } else {
            bytes.extend_from_slice(&chunk);
        }
        seen(&bytes);
    }
}

/// [`send`] without a range, any status other than 2xx an error: a whole
/// file or document.
async fn send_ok(url: &str, signal: &AbortSignal) -> Result<Response, FetchError> {
    let response = send(url, None, signal, true).await?;
    if !response.ok() {
        return Err(FetchError::Status(response.status()));
    }
    Ok(response)
}

/// Sends a GET and waits for the status line and headers, trying again
/// after a network failure, a timeout or a 408, 429 or 5xx answer (which
/// is returned as an error once the tries are used up). Without `store`
/// the browser's HTTP cache is neither read nor written.
async fn send(
    url: &str,
    headers: Option<&Headers>,
    signal: &AbortSignal,
    store: bool,
) -> Result<Response, FetchError> {
    let window = web_sys::window().ok_or_else(|| FetchError::Network("no window".into()))?;
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_signal(Some(signal));
    if !store {
        init.set_cache(RequestCache::NoStore);
    }
    if let Some(h) = headers {
        init.set_headers(h);
    }
    let mut retries = 0;
    loop {
        // The first of the answer and the timer; a late answer is dropped.
        let answer = js_sys::Promise::race(&js_sys::Array::of2(
            &window.fetch_with_str_and_init(url, &init),
            &timer(&window, ANSWER_TIMEOUT_MS),
        ));
        let error = match JsFuture::from(answer).await.map_err(network) {
            Err(e) => e,
            Ok(answer) => match answer.dyn_into::<Response>() {
                Err(_) => FetchError::Timeout,
                Ok(r) if FetchError::Status(r.status()).is_transient() => {
                    if let Some(body) = r.body() {
                        let _ = body.cancel();
                    }
                    FetchError::Status(r.status())
                }
                Ok(r) => return Ok(r),
            },
        };
        let Some(wait) = retry_delay(&error, retries) else {
            return Err(error);
        };
        let _ = JsFuture::from(timer(&window, wait)).await;
        if signal.aborted() {
            return Err(FetchError::Aborted);
        }
        retries += 1;
    }
}

/// A promise resolved (with `undefined`) after `ms` milliseconds.
pub fn timer(window: &web_sys::Window, ms: u32) -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, _| {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            &resolve,
            ms.try_into().unwrap_or(i32::MAX),
        );
    })
}

/// Reads the whole body.
async fn body_bytes(response: &Response) -> Result<Vec<u8>, FetchError> {
    let buffer = JsFuture::from(response.array_buffer().map_err(network)?)
        .await
        .map_err(network)?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// A response header, if present and readable.
fn header(response: &Response, name: &str) -> Option<String> {
    response.headers().get(name).ok().flatten()
}

/// A rejected fetch promise: `AbortError` becomes `Aborted`, anything else a
/// network error with the browser's message.
fn network(e: JsValue) -> FetchError {
    if let Some(ex) = e.dyn_ref::<js_sys::Error>() {
        if ex.name() == "AbortError" {
            return FetchError::Aborted;
        }
        return FetchError::Network(String::from(ex.message()));
    }
    // DOMException is not a js_sys::Error subclass in every engine: read its
    // name and message generically.
    let field = |k: &str| {
        js_sys::Reflect::get(&e, &JsValue::from_str(k))
            .ok()
            .and_then(|v| v.as_string())
    };
    match field("name").as_deref() {
        Some("AbortError") => FetchError::Aborted,
        _ => FetchError::Network(
            field("message")
                .or_else(|| e.as_string())
                .unwrap_or_else(|| "request failed".into()),
        ),
    }
}
