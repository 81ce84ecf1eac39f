// Every call to the service goes through here: JSON in and out, problem+json turned into ApiError, and the API key.
// When a call answers 401 the page asks for a key once (one dialog for any number of calls waiting), keeps it in
// sessionStorage for this tab and sends it as X-Api-Key on every later call, the event streams included: those are
// read with fetch rather than EventSource, which cannot send headers.

const KEY_STORAGE = 'defectapi.apiKey';

/** A failed call: the problem+json title, detail and field errors, or a description of a network failure. */
export class ApiError extends Error {
  constructor(status, title, detail, errors = {}) {
    super(detail ? `${title}: ${detail}` : title);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errors = errors ?? {};
  }

  static async from(response) {
    let body = null;
    try {
      body = await response.json();
    } catch {
      // Not JSON (a proxy's HTML page, say): the status line is all there is.
    }
    return new ApiError(response.status, body?.title ?? `${response.status} ${response.statusText}`,
      body?.detail ?? '', body?.errors ?? {});
  }
}

export const apiKey = () => sessionStorage.getItem(KEY_STORAGE);

/** Stores (or, with null, forgets) the key and tells the page, which shows a "forget" control while one is kept. */
export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
  window.dispatchEvent(new Event('apikeychange'));
}

const withKey = (headers = {}) => (apiKey() ? { ...headers, 'X-Api-Key': apiKey() } : headers);

let pendingPrompt = null;

/** Shows the key dialog (once, however many calls are waiting) and resolves when a key was entered. */
function askForKey(rejected) {
  pendingPrompt ??= new Promise((resolve, reject) => {
    const dialog = document.getElementById('api-key-dialog');
    const form = dialog.querySelector('form');
    const input = dialog.querySelector('input');
    dialog.querySelector('[data-rejected]').hidden = !rejected;
    input.value = '';
    const finish = (key) => {
      form.removeEventListener('submit', submit);
      dialog.removeEventListener('cancel', cancel);
      dialog.close();
      pendingPrompt = null;
      if (!key) reject(new ApiError(401, 'An API key is needed', 'This service asks for an API key. Reload the page to enter one.'));
      else { setApiKey(key); resolve(); }
    };
    const submit = (event) => { event.preventDefault(); finish(event.submitter?.value === 'cancel' ? '' : input.value.trim()); };
    // Escape cancels, whatever was typed.
    const cancel = (event) => { event.preventDefault(); finish(''); };
    form.addEventListener('submit', submit);
    dialog.addEventListener('cancel', cancel);
    dialog.showModal();
    input.focus();
  });
  return pendingPrompt;
}

/** fetch with the key; a 401 asks for a key and retries (the stored key was wrong if it was sent). */
async function send(method, path, { body, headers, signal } = {}) {
  for (;;) {
    const sentKey = apiKey();
    let response;
    try {
      response = await fetch(path, { method, body, signal, headers: withKey(headers) });
    } catch (error) {
      if (error.name === 'AbortError') throw error;
      throw new ApiError(0, 'The service cannot be reached', 'Check that DefectApi is running and the network is up, then try again.');
    }
    if (response.status !== 401) return response;
    if (sentKey) setApiKey(null);
    await askForKey(Boolean(sentKey));
  }
}

/** A JSON call. Resolves with the parsed body (null for 204); rejects with ApiError for any 4xx/5xx. */
export async function request(method, path, json, options = {}) {
  const headers = { Accept: 'application/json' };
  let body;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  }
  const response = await send(method, path, { ...options, body, headers });
  if (!response.ok) throw await ApiError.from(response);
  return response.status === 204 ? null : response.json();
}

export const get = (path, options) => request('GET', path, undefined, options);
export const post = (path, json, options) => request('POST', path, json, options);
export const put = (path, json, options) => request('PUT', path, json, options);
export const del = (path, options) => request('DELETE', path, undefined, options);

/**
 * Downloads a file the service answers (a model bundle, an ONNX model) through fetch, so that the API key goes along,
 * which a plain link cannot send; the blob is then saved under the name in Content-Disposition.
 */
export async function download(path, fallbackName) {
  const response = await send('GET', path, { headers: { Accept: 'application/octet-stream, application/problem+json' } });
  if (!response.ok) throw await ApiError.from(response);
  const blob = await response.blob();
  const name = fileNameOf(response.headers.get('Content-Disposition')) ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const anchor = Object.assign(document.createElement('a'), { href: url, download: name, hidden: true });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // The click has handed the blob to the browser's download; the URL is not needed after this task.
  setTimeout(() => URL.revokeObjectURL(url), 0);
  return { name, size: blob.size };
}

/** The file name in a Content-Disposition header: filename* (RFC 6266, UTF-8) first, then filename. */
function fileNameOf(header) {
  if (!header) return null;
  const extended = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (extended) {
    try { return decodeURIComponent(extended[1]); } catch { /* a malformed escape: fall back to filename */ }
  }
  return /filename="?([^";]+)"?/i.exec(header)?.[1] ?? null;
}

/** Posts a file's bytes as an application/octet-stream body; resolves with the JSON answer, rejects with ApiError. */
export async function postFile(path, file) {
  const response = await send('POST', path, { body: file, headers: { Accept: 'application/json', 'Content-Type': 'application/octet-stream' } });
  if (!response.ok) throw await ApiError.from(response);
  return response.json();
}

/**
 * Uploads a file as a raw text/csv body (the name in ?name=) with XMLHttpRequest, whose upload events report progress
 * (fetch has none). The service streams such a body straight into its CSV reader.
 */
export function upload(path, file, name, onProgress, retried = false) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${path}?name=${encodeURIComponent(name || file.name.replace(/\.[^.]+$/, ''))}`);
    xhr.setRequestHeader('Accept', 'application/json');
    // Not file.type: browsers label .csv files variously (application/vnd.ms-excel on Windows).
    xhr.setRequestHeader('Content-Type', 'text/csv');
    if (apiKey()) xhr.setRequestHeader('X-Api-Key', apiKey());
    xhr.upload.addEventListener('progress', (event) => { if (event.lengthComputable) onProgress(event.loaded / event.total); });
    // The same bytes uploaded twice give the same dataset, so one retry after a dropped connection is safe.
    xhr.addEventListener('error', () => (retried
      ? reject(new ApiError(0, 'The upload failed', 'The connection to the service was lost. Try again.'))
      : upload(path, file, name, onProgress, true).then(resolve, reject)));
    xhr.addEventListener('load', () => {
      const body = (() => { try { return JSON.parse(xhr.responseText); } catch { return null; } })();
      if (xhr.status === 401) {
        const sentKey = apiKey();
        if (sentKey) setApiKey(null);
        askForKey(Boolean(sentKey)).then(() => upload(path, file, name, onProgress)).then(resolve, reject);
      } else if (xhr.status >= 200 && xhr.status < 300) {
        resolve({ dataset: body, created: xhr.status === 201 });
      } else {
        reject(new ApiError(xhr.status, body?.title ?? `${xhr.status} ${xhr.statusText}`, body?.detail ?? '', body?.errors));
      }
    });
    xhr.send(file);
  });
}

/**
 * Reads a text/event-stream with fetch (so the API key header goes along) and yields { event, data } with data
 * parsed as JSON. Ends when the server closes the stream or the signal aborts.
 */
export async function* serverSentEvents(path, signal) {
  const response = await send('GET', path, { headers: { Accept: 'text/event-stream' }, signal });
  if (!response.ok) throw await ApiError.from(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer = (buffer + value).replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const message = parseEvent(block);
        if (message) yield message;
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** One SSE block ("event: x\ndata: {...}") per the WHATWG event-stream format; comments and ids are ignored. */
function parseEvent(block) {
  let event = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (name === 'event') event = value;
    else if (name === 'data') data.push(value);
  }
  if (data.length === 0) return null;
  const text = data.join('\n');
  try {
    return { event, data: JSON.parse(text) };
  } catch {
    return { event, data: text };
  }
}
