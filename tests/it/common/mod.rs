//! Test support: a mock HetrixTools API on 127.0.0.1 and a runner for the
//! real binary.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

pub mod e2e;
pub mod nagios_definitions;
pub mod variants;

/// A token distinctive enough that finding it in output is a real leak.
pub const TOKEN: &str = "tok3nSECRETabc123";
pub const MONITOR: &str = "0123456789abcdef0123456789abcdef";

/// What the mock answers to one request.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Pause between body bytes, for servers that trickle.
    pub byte_delay: Option<Duration>,
    /// Close the connection without answering.
    pub hang_up: bool,
    /// Spaces sent after `body`, written in chunks, so a test can serve a
    /// huge body without holding it in memory.
    pub padding: u64,
}

impl Reply {
    pub fn json(value: &Value) -> Reply {
        Reply::raw(200, "application/json", value.to_string().into_bytes())
    }

    pub fn raw(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
            byte_delay: None,
            hang_up: false,
            padding: 0,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// One request the mock received.
#[derive(Clone, Debug)]
pub struct Request {
    pub path: String,
    pub headers: Vec<(String, String)>,
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

pub struct MockApi {
    pub url: String,
    requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
    ip: String,
    port: u16,
}

impl MockApi {
    /// Serves `handler`'s reply to every request until dropped.
    pub fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> MockApi {
        MockApi::listen("127.0.0.1", None, handler)
    }

    /// Serves `handler` over TLS with the certificate in tests/tls
    /// (server.pem for 127.0.0.1 and localhost, signed by ca.pem; both made
    /// with openssl for 100 years).
    pub fn start_tls(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> MockApi {
        MockApi::start_tls_as("server", handler)
    }

    /// Serves `handler` over TLS with tests/tls/`name`.pem and its key.
    pub fn start_tls_as(
        name: &str,
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> MockApi {
        let mut api = MockApi::listen("127.0.0.1", Some(tls_config(name)), handler);
        api.url = api.url.replacen("http:", "https:", 1);
        api
    }

    /// Serves `handler` on `ip` (any 127.x.y.z works on Linux), so tests can
    /// tell hosts apart.
    pub fn start_on(
        ip: &str,
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> MockApi {
        MockApi::listen(ip, None, handler)
    }

    fn listen(
        ip: &str,
        tls: Option<Arc<rustls::ServerConfig>>,
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> MockApi {
        let listener = TcpListener::bind((ip, 0)).expect("bind mock API");
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        {
            let requests = requests.clone();
            let stop = stop.clone();
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let handler = handler.clone();
                    let requests = requests.clone();
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                    match tls.clone() {
                        None => thread::spawn(move || serve(stream, &*handler, &requests)),
                        Some(config) => thread::spawn(move || {
                            let Ok(connection) = rustls::ServerConnection::new(config) else {
                                return;
                            };
                            let stream = rustls::StreamOwned::new(connection, stream);
                            serve(stream, &*handler, &requests)
                        }),
                    };
                }
            });
        }
        MockApi {
            url: format!("http://{ip}:{port}"),
            requests,
            stop,
            ip: ip.to_string(),
            port,
        }
    }

    /// Serves `handler`'s reply to every request once `gate` is open.
    pub fn gated(
        gate: &Gate,
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> MockApi {
        let gate = gate.clone();
        MockApi::start(move |request| {
            gate.wait();
            handler(request)
        })
    }

    /// Always the same reply.
    pub fn replying(reply: Reply) -> MockApi {
        MockApi::start(move |_| reply.clone())
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for MockApi {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so the thread ends.
        let _ = TcpStream::connect((self.ip.as_str(), self.port));
    }
}

fn serve(stream: impl Read + Write, handler: &Handler, requests: &Mutex<Vec<Request>>) {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_string();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line.trim().is_empty() => break,
            Ok(_) => {
                if let Some((name, value)) = line.split_once(':') {
                    headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
                }
            }
        }
    }
    let request = Request { path, headers };
    requests.lock().unwrap().push(request.clone());
    let reply = handler(&request);
    if reply.hang_up {
        return;
    }
    let stream = reader.get_mut();
    let mut head = format!("HTTP/1.1 {} Mock\r\n", reply.status);
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        reply.body.len() as u64 + reply.padding
    ));
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    match reply.byte_delay {
        None => {
            let _ = stream.write_all(&reply.body);
        }
        Some(delay) => {
            for byte in &reply.body {
                if stream.write_all(&[*byte]).is_err() {
                    return;
                }
                thread::sleep(delay);
            }
        }
    }
    let chunk = [b' '; 64 * 1024];
    let mut left = reply.padding;
    while left > 0 {
        let size = left.min(chunk.len() as u64);
        if stream.write_all(&chunk[..size as usize]).is_err() {
            return;
        }
        left -= size;
    }
    let _ = stream.flush();
}

fn tls_config(name: &str) -> Arc<rustls::ServerConfig> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let file = |extension: &str| {
        std::fs::read(tls_file(&format!("{name}.{extension}"))).expect("test TLS file")
    };
    let certificates = CertificateDer::pem_slice_iter(&file("pem"))
        .collect::<Result<Vec<_>, _>>()
        .expect("test certificate");
    let key = PrivateKeyDer::from_pem_slice(&file("key")).expect("test key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(certificates, key)
        .expect("TLS server config");
    Arc::new(config)
}

/// The test CA that signed the TLS mock's certificate.
pub fn test_ca_file() -> String {
    tls_file("ca.pem")
}

/// A file in tests/tls: server.pem (127.0.0.1 and localhost, signed by
/// ca.pem); self_signed_ca.pem (self-signed the usual way, so marked CA);
/// self_signed_leaf.pem (self-signed, CA:FALSE); other_host.pem (for
/// other.example only); expired.pem (valid one day in 2001). All made
/// with openssl, valid for 100 years unless said otherwise.
pub fn tls_file(name: &str) -> String {
    format!("{}/tests/tls/{name}", env!("CARGO_MANIFEST_DIR"))
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The documented example payload with its clock moved to now, as a live
/// agent would report it.
pub fn example() -> Value {
    let mut payload: Value =
        serde_json::from_str(include_str!("../../../src/demo.json")).expect("example payload");
    let shift = now() - payload["AgentLastData"].as_i64().unwrap();
    payload["AgentLastData"] = (payload["AgentLastData"].as_i64().unwrap() + shift).into();
    for sample in payload["Stats"].as_array_mut().unwrap() {
        sample["Minute"] = (sample["Minute"].as_i64().unwrap() + shift).into();
    }
    payload
}

/// The bundled v3 example (the same server as [`example`]) with its clock
/// moved to now.
pub fn example_v3() -> Value {
    let mut payload: Value = serde_json::from_str(include_str!("../../../src/demo_v3.json"))
        .expect("v3 example payload");
    let shift = now() - payload["meta"]["last_updated"].as_i64().unwrap();
    payload["meta"]["last_updated"] =
        (payload["meta"]["last_updated"].as_i64().unwrap() + shift).into();
    for sample in payload["stats"].as_array_mut().unwrap() {
        sample["timestamp"] = (sample["timestamp"].as_i64().unwrap() + shift).into();
    }
    payload
}

/// What the mocks of the whole account answer `GET /v3/account/limits`.
pub fn account_limits() -> Value {
    json!({"api_v1_v2": {"usage": 300, "limit": 1000}})
}

/// A mock API that serves `v1` and `v3` on their metrics paths for any
/// monitor, whichever API the command uses (the default changes with v3),
/// and the account limits.
pub fn serving_both(v1: Value, v3: Value) -> MockApi {
    MockApi::start(move |request| {
        if request.path == "/v3/account/limits" {
            Reply::json(&account_limits())
        } else if request
            .path
            .starts_with(&format!("/v1/{TOKEN}/server/stats/"))
        {
            Reply::json(&v1)
        } else if request.path.starts_with("/v3/uptime-monitors/")
            && request.path.ends_with("/server-agent/metrics")
            && request
                .headers
                .iter()
                .any(|(name, value)| name == "authorization" && value == &format!("Bearer {TOKEN}"))
        {
            Reply::json(&v3)
        } else {
            Reply::raw(
                401,
                "application/json",
                r#"{"status":"ERROR","error_message":"invalid API key","message":"invalid API key"}"#,
            )
        }
    })
}

/// Every code block of the README without a language tag that contains
/// `marker` (`apply Service`, `define service`), as printed: configuration
/// examples the end-to-end tests load unchanged, so the README cannot drift
/// from what the daemons accept.
pub fn readme_config(marker: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut block: Option<(bool, String)> = None;
    for line in include_str!("../../../README.md").lines() {
        match block.as_mut() {
            None if line.starts_with("```") => block = Some((line == "```", String::new())),
            None => {}
            Some(_) if line == "```" => {
                let (untagged, text) = block.take().unwrap();
                if untagged && text.contains(marker) {
                    blocks.push(text);
                }
            }
            Some((_, text)) => {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    blocks
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn of(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    pub fn first_line(&self) -> &str {
        self.stdout.lines().next().unwrap_or_default()
    }

    /// The word after the label: `DISK WARNING - ...` → `WARNING`.
    pub fn state(&self) -> &str {
        self.first_line()
            .split_whitespace()
            .nth(1)
            .unwrap_or_default()
    }

    /// The perfdata: after ` | ` on the first line, or after the `| ` that
    /// starts the last line when there is long output.
    /// The long-output lines: after the first line, before a trailing
    /// `| perfdata` line.
    pub fn long_output(&self) -> Vec<&str> {
        self.stdout
            .lines()
            .skip(1)
            .filter(|line| !line.starts_with("| "))
            .collect()
    }

    pub fn perfdata(&self) -> &str {
        let last = self.stdout.lines().last().unwrap_or_default();
        match self.first_line().split_once(" | ") {
            Some((_, perfdata)) => perfdata,
            None => last.strip_prefix("| ").unwrap_or_default(),
        }
    }

    /// Asserts what an rstest row of a mode table expects: the exit code,
    /// the start of the first line and a piece of its perfdata.
    pub fn assert_outcome(&self, code: i32, first_line: &str, perfdata: &str) {
        assert_eq!(self.code, code, "{self:?}");
        assert!(
            self.first_line().starts_with(first_line),
            "{:?} should start with {first_line:?}",
            self.first_line()
        );
        assert!(
            self.perfdata().contains(perfdata),
            "{:?} should contain {perfdata:?}",
            self.perfdata()
        );
    }

    /// Asserts the plugin contract that holds for every run: exit code and
    /// state word agree, nothing on stderr, no token anywhere.
    pub fn assert_contract(&self) {
        let expected = match self.code {
            0 => "OK",
            1 => "WARNING",
            2 => "CRITICAL",
            3 => "UNKNOWN",
            other => panic!("exit code {other} outside 0-3: {self:?}"),
        };
        assert_eq!(self.state(), expected, "state word vs exit code: {self:?}");
        assert!(self.stderr.is_empty(), "stderr must stay empty: {self:?}");
        assert!(
            !self.stdout.contains(TOKEN) && !self.stderr.contains(TOKEN),
            "token leaked: {self:?}"
        );
    }
}

/// Runs one check with `args` and `env` and asserts the plugin contract.
pub fn run(args: &[&str], env: &[(&str, &str)]) -> Run {
    let run = execute(args, env);
    run.assert_contract();
    run
}

/// Runs the binary with `args` and `env`; HETRIX_* variables of the calling
/// environment are removed so the developer's own token never leaks in.
/// Unless `env` names a CHECK_HETRIX_CACHE_DIR, the run gets an empty cache
/// of its own, so no run sees another's responses or the developer's cache.
pub fn execute(args: &[&str], env: &[(&str, &str)]) -> Run {
    let own_cache = TempDir::new();
    let output = command(args, env, own_cache.path())
        .output()
        .expect("run check_hetrix");
    Run::of(output)
}

/// Starts the binary with `args` and `env`, cleaned as [`execute`] does,
/// and returns while it runs; [`finish`] collects it. `env` names the
/// CHECK_HETRIX_CACHE_DIR, which runs started together share.
pub fn start(args: &[&str], env: &[(&str, &str)]) -> Child {
    let (_, cache) = env
        .iter()
        .find(|(name, _)| *name == "CHECK_HETRIX_CACHE_DIR")
        .expect("a run started in the background names its cache directory");
    command(args, env, Path::new(cache))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start check_hetrix")
}

/// What a run [`start`]ed did, once it ends; asserts the plugin contract.
pub fn finish(child: Child) -> Run {
    let run = Run::of(child.wait_with_output().expect("wait for check_hetrix"));
    run.assert_contract();
    run
}

/// The binary with `args`, the calling environment cleaned as [`execute`]
/// does, `env` and the cache in `cache`, for tests that set up the process
/// themselves (its descriptors, how it is awaited).
pub fn command(args: &[&str], env: &[(&str, &str)], cache: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_check_hetrix"));
    command.args(args);
    without_plugin_env(&mut command);
    command.env("CHECK_HETRIX_CACHE_DIR", cache);
    command.envs(env.iter().copied());
    command
}

/// Removes the plugin's variables (`HETRIX_*`, `CHECK_HETRIX_*`) the test
/// run inherited: a developer's token or cache directory must not reach
/// the binary under test.
pub fn without_plugin_env(command: &mut Command) {
    for (name, _) in std::env::vars() {
        if name.starts_with("HETRIX_") || name.starts_with("CHECK_HETRIX_") {
            command.env_remove(name);
        }
    }
}

/// Waits until `condition` holds, checking every 10 ms; fails the test
/// after two minutes, a bound for a broken build only.
pub fn wait_until(what: &str, condition: impl FnMut() -> bool) {
    assert!(polled(condition), "gave up waiting until {what}");
}

/// Whether `condition` came to hold within two minutes.
fn polled(mut condition: impl FnMut() -> bool) -> bool {
    let give_up = Instant::now() + Duration::from_secs(120);
    while !condition() {
        if Instant::now() > give_up {
            return false;
        }
        thread::sleep(Duration::from_millis(10));
    }
    true
}

/// Holds a mock's answers until the test opens it, so that the test, not
/// a sleep, decides when a call ends however slow the machine. A held
/// answer goes out after two minutes anyway: a broken build fails instead
/// of hanging.
#[derive(Clone, Default)]
pub struct Gate(Arc<AtomicBool>);

impl Gate {
    pub fn open(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// For the mock's handler: returns once the gate is open.
    pub fn wait(&self) {
        polled(|| self.0.load(Ordering::SeqCst));
    }
}

/// The files in `dir` whose names end in `.extension` (a cache
/// directory's `lock` or `failed` files).
pub fn files_ending(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("a directory")
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    files.retain(|path| path.extension().is_some_and(|e| e == extension));
    files
}

/// Whether process `pid` has `path` open (a run waiting on a lock file).
pub fn has_open(pid: u32, path: &Path) -> bool {
    // The kernel names files by their real path: TMPDIR may be a link.
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|fds| {
            fds.flatten()
                .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|target| target == path))
        })
        .unwrap_or(false)
}

/// `--list-monitors` with `args` against `api`, with the token in the
/// environment: nothing on stderr, the token nowhere in the output.
pub fn list_monitors(api: &MockApi, args: &[&str]) -> Run {
    let mut all = vec!["--api-url", api.url.as_str(), "--list-monitors"];
    all.extend_from_slice(args);
    let run = execute(&all, &[("HETRIX_API_TOKEN", TOKEN)]);
    assert!(run.stderr.is_empty(), "{run:?}");
    assert!(!run.stdout.contains(TOKEN), "token leaked: {run:?}");
    run
}

/// A new empty directory under the system temp directory, removed with
/// everything in it when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "check_hetrix_test_{}_{}_{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::SeqCst),
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        ));
        std::fs::create_dir(&path).expect("create a temp dir");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs one check against `api` with the test token and monitor on
/// `--api v1`, the API of the example payload most tests serve.
pub fn check(api: &MockApi, args: &[&str]) -> Run {
    check_on(api, &["--api", "v1"], args)
}

/// Runs one check against `api` with the test token and monitor, with
/// `api_args` (`--api v3`, or nothing for the default) before `args`.
pub fn check_on(api: &MockApi, api_args: &[&str], args: &[&str]) -> Run {
    let mut all = vec!["--api-url", api.url.as_str(), "-i", MONITOR];
    all.extend_from_slice(api_args);
    all.extend_from_slice(args);
    run(&all, &[("HETRIX_API_TOKEN", TOKEN)])
}
