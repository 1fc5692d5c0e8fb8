//! The HTML report in a real browser: Debian's headless Chromium, driven over the `DevTools`
//! protocol. The report of `specs/` loads with no console error and shows the gap rows and
//! the charts; the injection fixture's titles are text nodes, never elements, and no script
//! of theirs runs.
//!
//! Without `/usr/bin/chromium` the test fails when `CI` is set (`.ci/run` installs it) and
//! otherwise prints a note and passes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure

mod common;

use common::{align, TODAY};
use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::protocol::cdp::Log::LogEntryLevel;
use headless_chrome::protocol::cdp::Runtime::ConsoleAPICalledEventTypeOption;
use headless_chrome::{Browser, LaunchOptions, Tab};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

const CHROMIUM: &str = "/usr/bin/chromium";

/// The browser, or `None` (with a note) outside CI when it is not installed.
fn chromium() -> Option<PathBuf> {
    let path = Path::new(CHROMIUM);
    if path.exists() {
        return Some(path.to_path_buf());
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{CHROMIUM} is missing; CI must install it (apt-get install chromium fonts-noto-cjk)"
    );
    eprintln!("note: {CHROMIUM} is missing; the browser test did not run");
    None
}

/// Writes the HTML report of `args` to a file in `dir`.
fn report(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let file = dir.join(name);
    let mut all = vec!["report", "--today", TODAY, "-o", file.to_str().unwrap()];
    all.extend_from_slice(args);
    let out = align(&all);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    file
}

/// Opens `file` in a new tab and returns the tab and the console errors seen while loading.
fn open(browser: &Browser, file: &Path) -> (Arc<Tab>, Arc<Mutex<Vec<String>>>) {
    let tab = browser.new_tab().unwrap();
    let errors = Arc::new(Mutex::new(Vec::new()));
    tab.enable_log().unwrap();
    tab.enable_runtime().unwrap();
    let seen = Arc::clone(&errors);
    tab.add_event_listener(Arc::new(move |event: &Event| {
        let msg = match event {
            Event::LogEntryAdded(e) if e.params.entry.level == LogEntryLevel::Error => {
                Some(e.params.entry.text.clone())
            }
            Event::RuntimeExceptionThrown(e) => Some(e.params.exception_details.text.clone()),
            Event::RuntimeConsoleAPICalled(e)
                if e.params.Type == ConsoleAPICalledEventTypeOption::Error =>
            {
                Some(format!("console.error: {:?}", e.params.args))
            }
            _ => None,
        };
        if let Some(m) = msg {
            seen.lock().unwrap().push(m);
        }
    }))
    .unwrap();
    let url = format!("file://{}", file.display());
    tab.navigate_to(&url).unwrap();
    tab.wait_until_navigated().unwrap();
    (tab, errors)
}

fn eval(tab: &Tab, js: &str) -> serde_json::Value {
    tab.evaluate(js, false)
        .unwrap()
        .value
        .unwrap_or(serde_json::Value::Null)
}

#[test]
fn the_report_renders_in_chromium() {
    let Some(path) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let specs = report(dir.path(), "specs.html", &["specs", "--lang", "ja"]);
    let injection = report(
        dir.path(),
        "injection.html",
        &["tests/fixtures/report/injection", "--lang", "en"],
    );
    let options = LaunchOptions::default_builder()
        .path(Some(path))
        .headless(true)
        .sandbox(false)
        .window_size(Some((1280, 2000)))
        .build()
        .unwrap();
    let browser = Browser::new(options).unwrap();

    let (tab, errors) = open(&browser, &specs);
    let checks = [
        // The gap entries and the coverage row of the item no program's scope includes.
        "document.querySelectorAll('#gaps [data-node=\"I1.3.2.a\"]').length",
        "document.querySelectorAll('#gaps [data-node=\"K5\"]').length",
        "document.querySelectorAll('tr.x[id=\"r-I1.3.2.a\"]').length",
        "document.querySelectorAll('#conclusion [data-node=\"K5\"]').length",
        // The stage-gate chart with one bar per stage and the overall one.
        "document.querySelectorAll('svg#gate-chart rect').length",
        "document.querySelectorAll('svg').length",
    ];
    let counts: Vec<u64> = checks
        .iter()
        .map(|js| eval(&tab, js).as_u64().unwrap_or(0))
        .collect();
    assert!(counts[0] >= 1, "no gap entry for I1.3.2.a");
    assert!(counts[1] >= 1, "no gap entry for K5");
    assert_eq!(counts[2], 1, "no highlighted coverage row for I1.3.2.a");
    assert_eq!(counts[3], 1, "K5 not in the conclusion");
    assert_eq!(counts[4], 5, "the stage-gate chart has overall + 4 stages");
    assert!(counts[5] > 5, "bars and charts");
    let chart = eval(&tab, "document.querySelector('#gate-chart').textContent");
    let chart = chart.as_str().unwrap_or("");
    for rate in ["27.4%", "11.8%", "36.9%", "43.8%", "7.3%"] {
        assert!(chart.contains(rate), "{rate} not in the chart: {chart}");
    }
    // The chart is laid out: it has a size.
    let width = eval(
        &tab,
        "document.querySelector('#gate-chart').getBoundingClientRect().width",
    );
    assert!(width.as_f64().unwrap_or(0.0) > 100.0);
    assert!(
        errors.lock().unwrap().is_empty(),
        "{:?}",
        errors.lock().unwrap()
    );

    let (tab, errors) = open(&browser, &injection);
    assert_eq!(eval(&tab, "typeof window.__pwned"), "undefined");
    // The only elements are the report's own: one script, one style, no img/iframe/b/x.
    for (selector, n) in [
        ("script", 1),
        ("style", 1),
        ("img", 0),
        ("iframe", 0),
        ("b", 0),
        ("x", 0),
        ("svg[onload]", 0),
        ("[onerror]", 0),
    ] {
        let js = format!("document.querySelectorAll('{selector}').length");
        assert_eq!(eval(&tab, &js).as_u64(), Some(n), "{selector}");
    }
    // The titles are there, as text.
    let text = eval(&tab, "document.body.innerText");
    let text = text.as_str().unwrap_or("");
    for title in [
        "<script>window.__pwned = 1; alert(1)</script>",
        "</style><script>window.__pwned = 2</script>",
        "\"><img src=x onerror=\"window.__pwned = 3\">",
        "javascript:window.__pwned = 4",
    ] {
        assert!(text.contains(title), "`{title}` is not shown as text");
    }
    assert_eq!(
        eval(
            &tab,
            "document.querySelectorAll('a[href^=\"javascript\"]').length"
        )
        .as_u64(),
        Some(0)
    );
    assert!(
        errors.lock().unwrap().is_empty(),
        "{:?}",
        errors.lock().unwrap()
    );
}
