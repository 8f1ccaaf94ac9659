//! Reading JSON the way the agent actually sends it: numbers sometimes as
//! strings, sections null, missing or empty. Anything unreadable becomes
//! `None` (or an empty list) and the mode that needs it says so.

use serde_json::Value;

/// A number, or a string holding one.
pub fn number(value: Option<&Value>) -> Option<f64> {
    match value? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|x| x.is_finite())
}

/// A non-negative integer (bytes, counts), or a string holding one.
pub fn count(value: Option<&Value>) -> Option<u64> {
    if let Some(n) = value?.as_u64() {
        return Some(n);
    }
    if let Some(Ok(n)) = value?.as_str().map(|s| s.trim().parse::<u64>()) {
        return Some(n);
    }
    number(value)
        .filter(|x| *x >= 0.0 && *x <= u64::MAX as f64)
        .map(|x| x.round() as u64)
}

/// Unix seconds.
pub fn timestamp(value: Option<&Value>) -> Option<i64> {
    if let Some(n) = value?.as_i64() {
        return Some(n);
    }
    number(value)
        .filter(|x| x.abs() < 1e15)
        .map(|x| x.round() as i64)
}

/// A string; numbers are accepted as their text (a service named `8080`).
/// A blank string is as good as a missing one.
pub fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A boolean, or `0`/`1`, or a string holding one of those.
pub fn flag(value: Option<&Value>) -> Option<bool> {
    match value? {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_u64()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Some(true),
            "false" | "0" | "no" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// The objects of an array; anything else (null, missing, wrong type) is
/// an empty section.
pub fn objects(value: Option<&Value>) -> impl Iterator<Item = &Value> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|item| item.is_object())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use serde_json::json;

    #[rstest]
    #[case(json!(9.26), Some(9.26))]
    #[case(json!("9.26"), Some(9.26))]
    #[case(json!(" 7 "), Some(7.0))]
    #[case(json!(null), None)]
    #[case(json!("n/a"), None)]
    #[case(json!("NaN"), None)]
    #[case(json!(true), None)]
    #[case(json!([1]), None)]
    fn reads_numbers(#[case] value: Value, #[case] expected: Option<f64>) {
        assert_eq!(number(Some(&value)), expected);
    }

    #[rstest]
    #[case(json!(763354265949u64), Some(763354265949))]
    #[case(json!("763354265949"), Some(763354265949))]
    #[case(json!(12.6), Some(13))]
    #[case(json!(-1), None)]
    #[case(json!(null), None)]
    fn reads_counts(#[case] value: Value, #[case] expected: Option<u64>) {
        assert_eq!(count(Some(&value)), expected);
    }

    #[rstest]
    #[case(json!(true), Some(true))]
    #[case(json!(false), Some(false))]
    #[case(json!(1), Some(true))]
    #[case(json!("false"), Some(false))]
    #[case(json!(" True "), Some(true))]
    #[case(json!(2), None)]
    #[case(json!("maybe"), None)]
    #[case(json!(null), None)]
    fn reads_flags(#[case] value: Value, #[case] expected: Option<bool>) {
        assert_eq!(flag(Some(&value)), expected);
    }

    #[test]
    fn missing_is_none() {
        assert_eq!(text(Some(&json!(" "))), None);
        assert_eq!(text(Some(&json!(8080))).as_deref(), Some("8080"));
        assert_eq!(number(None), None);
        assert_eq!(objects(None).count(), 0);
        assert_eq!(objects(Some(&json!("x"))).count(), 0);
        assert_eq!(objects(Some(&json!([{}, 1, null]))).count(), 1);
    }
}
