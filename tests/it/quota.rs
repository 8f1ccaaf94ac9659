//! Mode `quota`: the v1/v2 API calls left this month, from v3's account
//! limits or v1's account status call, against `-w/-c`; and HTTP 429 naming
//! the limit and when it resets.

use crate::common;

use common::{MockApi, Reply, TOKEN, TempDir, check, example, run};
use rstest::rstest;
use serde_json::json;

fn status(body: &str) -> MockApi {
    MockApi::replying(Reply::raw(200, "application/json", body.to_string()))
}

#[rstest]
#[case(
    r#"{"Max_API_Calls": 50000, "Remaining_API_Calls": 41234}"#,
    &[],
    "QUOTA OK - 41234 of 50000 API calls left",
    "'remaining'=41234;500:;100:;0;50000 'max'=50000;;;0"
)]
#[case(
    r#"{"Max_API_Calls": "1000", "Remaining_API_Calls": "300"}"#,
    &[],
    "QUOTA WARNING - 300 of 1000 API calls left",
    "'remaining'=300;500:;100:;0;1000 'max'=1000;;;0"
)]
#[case(
    r#"{"Max_API_Calls": 1000, "Remaining_API_Calls": 100}"#,
    &[],
    "QUOTA WARNING - 100 of 1000",
    "'remaining'=100;500:;100:;0;1000 'max'=1000;;;0"
)]
#[case(
    r#"{"Max_API_Calls": 1000, "Remaining_API_Calls": 99}"#,
    &[],
    "QUOTA CRITICAL - 99 of 1000",
    "'remaining'=99;500:;100:;0;1000 'max'=1000;;;0"
)]
#[case(
    r#"{"Remaining_API_Calls": 5000}"#,
    &["-w", "10000:", "-c", "2000:"],
    "QUOTA WARNING - 5000 API calls left",
    "'remaining'=5000;10000:;2000:;0"
)]
fn remaining_calls_against_thresholds(
    #[case] body: &str,
    #[case] thresholds: &[&str],
    #[case] first_line: &str,
    #[case] perfdata: &str,
) {
    let api = status(body);
    let mut args = vec!["--api-url", api.url.as_str(), "--api", "v1", "-m", "quota"];
    args.extend_from_slice(thresholds);
    // No -i: the quota belongs to the token, not to a monitor.
    let run = run(&args, &[("HETRIX_API_TOKEN", TOKEN)]);
    assert!(run.first_line().starts_with(first_line), "{run:?}");
    assert_eq!(run.perfdata(), perfdata);
    let requests = api.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].path, format!("/v1/{TOKEN}/status/"));
}

fn limits(body: serde_json::Value) -> MockApi {
    MockApi::start(move |request| {
        let authorized = request
            .headers
            .iter()
            .any(|(name, value)| name == "authorization" && *value == format!("Bearer {TOKEN}"));
        match (request.path.as_str(), authorized) {
            ("/v3/account/limits", true) => Reply::json(&body),
            _ => Reply::raw(400, "application/json", r#"{"status":"bad_request"}"#),
        }
    })
}

#[rstest]
#[case(
    json!({"api_v1_v2": {"usage": 300, "limit": 1000}, "sms_credits": {"usage": 2, "limit": 50}}),
    &[],
    "QUOTA OK - 700 of 1000 v1/v2 API calls left this month",
    "'remaining'=700;500:;100:;0;1000 'used'=300;;;0;1000 'max'=1000;;;0"
)]
#[case(
    json!({"api_v1_v2": {"usage": "950", "limit": "1000"}}),
    &[],
    "QUOTA CRITICAL - 50 of 1000 v1/v2 API calls left this month",
    "'remaining'=50;500:;100:;0;1000 'used'=950;;;0;1000 'max'=1000;;;0"
)]
#[case(
    json!({"api_v1_v2": {"usage": 1200, "limit": 1000}}),
    &["-w", "10:", "-c", "1:"],
    "QUOTA CRITICAL - 0 of 1000",
    "'remaining'=0;10:;1:;0;1000 'used'=1200;;;0;1000 'max'=1000;;;0"
)]
fn on_v3_the_account_limits_count_and_no_v1_call_is_spent(
    #[case] body: serde_json::Value,
    #[case] thresholds: &[&str],
    #[case] first_line: &str,
    #[case] perfdata: &str,
) {
    let api = limits(body);
    let mut args = vec!["--api-url", api.url.as_str(), "--api", "v3", "-m", "quota"];
    args.extend_from_slice(thresholds);
    let run = run(&args, &[("HETRIX_API_TOKEN", TOKEN)]);
    assert!(run.first_line().starts_with(first_line), "{run:?}");
    assert_eq!(run.perfdata(), perfdata);
    let paths: Vec<String> = api.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/v3/account/limits"]);
}

#[rstest]
#[case(json!({"api_v1_v2": {"usage": null, "limit": 1000}}))]
#[case(json!({"api_v1_v2": {"usage": 3, "limit": -1}}))]
#[case(json!({"api_v1_v2": {"usage": 3, "limit": "NaN"}}))]
#[case(json!({"api_v1_v2": null}))]
#[case(json!({}))]
fn on_v3_an_unreadable_quota_is_unknown_not_zero(#[case] body: serde_json::Value) {
    let api = limits(body);
    let args = ["--api-url", api.url.as_str(), "--api", "v3", "-m", "quota"];
    let run = run(&args, &[("HETRIX_API_TOKEN", TOKEN)]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(
        run.first_line()
            .contains("account limits hold no readable api_v1_v2 limit and usage"),
        "{run:?}"
    );
}

#[rstest]
#[case(r#"{"Max_API_Calls": 1000}"#, "no Remaining_API_Calls")]
#[case(
    r#"{"Max_API_Calls": 1000, "Remaining_API_Calls": "n/a"}"#,
    "no Remaining_API_Calls"
)]
#[case(
    r#"{"status":"ERROR","error_message":"invalid key"}"#,
    "HetrixTools API error: invalid key"
)]
fn unreadable_quotas_are_unknown(#[case] body: &str, #[case] message: &str) {
    let run = check(&status(body), &["-m", "quota"]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.first_line().contains(message), "{run:?}");
}

/// The status call sends no monitor ID, so its errors never advise
/// checking one.
#[rstest]
#[case(Reply::raw(404, "text/html", "not found"), "HTTP 404: check --api-url")]
#[case(
    Reply::raw(200, "application/json", r#"{"status":"ERROR","error_message":"no"}"#),
    "HetrixTools API error: no (check the API token and its permissions)"
)]
fn quota_errors_name_only_what_the_call_sends(#[case] reply: Reply, #[case] message: &str) {
    let run = check(&MockApi::replying(reply), &["-m", "quota"]);
    assert!(run.first_line().contains(message), "{run:?}");
    assert!(!run.first_line().contains("monitor ID"), "{run:?}");
}

#[test]
fn the_demo_has_no_quota() {
    let run = run(&["--demo", "-m", "quota"], &[]);
    assert_eq!(run.code, 3);
    assert!(
        run.first_line().contains("no API call quota reported"),
        "{run:?}"
    );
}

#[test]
fn quota_and_server_data_are_cached_apart() {
    let api = MockApi::start(|request| {
        if request.path.ends_with("/status/") {
            Reply::raw(200, "application/json", r#"{"Remaining_API_Calls": 900}"#)
        } else {
            Reply::json(&example())
        }
    });
    let cache = TempDir::new();
    let dir = cache.path().to_str().unwrap();
    let env = [("HETRIX_API_TOKEN", TOKEN), ("CHECK_HETRIX_CACHE_DIR", dir)];
    let args = |mode| {
        let url = api.url.as_str();
        ["--api-url", url, "-i", "abc", "--api", "v1", "-m", mode]
    };
    for _ in 0..2 {
        assert_eq!(run(&args("quota"), &env).state(), "OK");
        assert_eq!(run(&args("cpu"), &env).state(), "OK");
    }
    let paths: Vec<String> = api.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            format!("/v1/{TOKEN}/status/"),
            format!("/v1/{TOKEN}/server/stats/abc/")
        ]
    );
}

#[rstest]
#[case::seconds(("Retry-After", "30"), "it resets in 30 s (Retry-After)")]
#[case::date(
    ("Retry-After", "Wed, 21 Oct 2026 07:28:00 GMT"),
    "it resets at Wed, 21 Oct 2026 07:28:00 GMT (Retry-After)"
)]
#[case::none(("X-Other", "1"), "the API did not say when it resets")]
fn rate_limiting_names_the_limit_and_the_reset(#[case] header: (&str, &str), #[case] reset: &str) {
    let api = MockApi::replying(
        Reply::raw(429, "application/json", r#"{"status":"ERROR"}"#).header(header.0, header.1),
    );
    for mode in ["cpu", "quota"] {
        let run = check(&api, &["-m", mode]);
        assert_eq!(run.code, 3, "{run:?}");
        let line = run.first_line();
        assert!(
            line.contains(
                "HTTP 429: rate limited (v1 allows 120 calls a minute and a monthly quota by plan)"
            ),
            "{line}"
        );
        assert!(line.contains(reset), "{line}");
    }
}
