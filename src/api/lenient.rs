//! Reading JSON the way the agent actually sends it: numbers sometimes as
//! strings, sections null, missing or empty. Anything unreadable becomes
//! `None` (or an empty list) and the mode that needs it says so.

/// One JSON value that is not an array or object, as the field types of
/// [`typed`](super::typed) hand it to the rules here.
#[derive(Debug, Clone, Copy)]
pub enum Scalar<'a> {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Text(&'a str),
}

/// `text` with every number literal too large for an `f64` (`1e400`)
/// replaced by `null` and spaces, outside strings; `None` when it has
/// none, so the caller's failure stands. One pass, however many there are.
pub fn without_huge_numbers(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = text.as_bytes().to_vec();
    let mut changed = false;
    let mut at = 0;
    let mut in_string = false;
    while at < bytes.len() {
        let byte = bytes[at];
        if in_string {
            match byte {
                b'\\' => at += 1,
                b'"' => in_string = false,
                _ => {}
            }
            at += 1;
            continue;
        }
        if byte == b'"' {
            in_string = true;
            at += 1;
            continue;
        }
        if !(byte == b'-' || byte.is_ascii_digit()) {
            at += 1;
            continue;
        }
        let start = at;
        while at < bytes.len()
            && matches!(bytes[at], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
        {
            at += 1;
        }
        // Every literal beyond f64 is at least `1e309` long: `null` fits.
        if text[start..at].parse::<f64>().is_ok_and(f64::is_infinite) {
            out[start..at].fill(b' ');
            out[start..start + 4].copy_from_slice(b"null");
            changed = true;
        }
    }
    // Only ASCII bytes were replaced, by ASCII bytes.
    changed.then(|| String::from_utf8(out).ok()).flatten()
}

/// A number, or a string holding one.
pub fn scalar_number(scalar: Scalar) -> Option<f64> {
    match scalar {
        Scalar::Unsigned(n) => Some(n as f64),
        Scalar::Signed(n) => Some(n as f64),
        Scalar::Float(x) => Some(x),
        Scalar::Text(s) => s.trim().parse::<f64>().ok(),
        Scalar::Null | Scalar::Bool(_) => None,
    }
    .filter(|x| x.is_finite())
}

/// A non-negative integer (bytes, counts), or a string holding one.
pub fn scalar_count(scalar: Scalar) -> Option<u64> {
    match scalar {
        Scalar::Unsigned(n) => return Some(n),
        Scalar::Text(s) => {
            if let Ok(n) = s.trim().parse::<u64>() {
                return Some(n);
            }
        }
        _ => {}
    }
    scalar_number(scalar)
        .filter(|x| *x >= 0.0 && *x <= u64::MAX as f64)
        .map(|x| x.round() as u64)
}

/// Unix seconds.
pub fn scalar_timestamp(scalar: Scalar) -> Option<i64> {
    match scalar {
        Scalar::Unsigned(n) if i64::try_from(n).is_ok() => Some(n as i64),
        Scalar::Signed(n) => Some(n),
        _ => scalar_number(scalar)
            .filter(|x| x.abs() < 1e15)
            .map(|x| x.round() as i64),
    }
}

/// A string; numbers are accepted as their text (a service named `8080`).
/// A blank string is as good as a missing one.
pub fn scalar_text(scalar: Scalar) -> Option<String> {
    match scalar {
        Scalar::Text(s) if s.trim().is_empty() => None,
        Scalar::Text(s) => Some(s.to_string()),
        // serde_json's own spelling of numbers, as `Value` printed them.
        Scalar::Unsigned(n) => Some(n.to_string()),
        Scalar::Signed(n) => Some(n.to_string()),
        Scalar::Float(x) => serde_json::Number::from_f64(x).map(|n| n.to_string()),
        Scalar::Null | Scalar::Bool(_) => None,
    }
}

/// A boolean, or `0`/`1`, or a string holding one of those.
pub fn scalar_flag(scalar: Scalar) -> Option<bool> {
    match scalar {
        Scalar::Bool(b) => Some(b),
        Scalar::Unsigned(0) => Some(false),
        Scalar::Unsigned(1) => Some(true),
        Scalar::Text(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Some(true),
            "false" | "0" | "no" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A JSON boolean only: for flags the API itself sets, not the agent.
pub fn scalar_bool(scalar: Scalar) -> Option<bool> {
    match scalar {
        Scalar::Bool(b) => Some(b),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::api::typed::{self, Count, Flag, Number, Section, Text};
    use rstest::rstest;
    use serde::Deserialize;
    use serde_json::{Value, json};

    // The rules as the adapters apply them: through the typed reader, fed
    // the value's JSON text.
    fn read<T: for<'de> Deserialize<'de>>(value: &Value) -> T {
        serde_json::from_str(&value.to_string()).unwrap()
    }

    fn count(value: Option<&Value>) -> Option<u64> {
        read::<Count>(value?).0
    }

    fn text(value: Option<&Value>) -> Option<String> {
        read::<Text>(value?).0
    }

    typed::fields! {
        Item {}
    }

    fn objects(value: Option<&Value>) -> std::vec::IntoIter<Item> {
        value
            .map_or_else(Vec::new, |v| read::<Section<Item>>(v).0)
            .into_iter()
    }

    fn number(value: Option<&Value>) -> Option<f64> {
        read::<Number>(value?).0
    }

    fn flag(value: Option<&Value>) -> Option<bool> {
        read::<Flag>(value?).0
    }

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

    #[rstest]
    #[case(r#"{"a": 1e400, "b": 2}"#, Some(r#"{"a": null , "b": 2}"#))]
    #[case(r#"[-1E+999,"1e400",3]"#, Some(r#"[null   ,"1e400",3]"#))]
    #[case(r#"{"a\"1e999": 1e999}"#, Some(r#"{"a\"1e999": null }"#))]
    #[case(r#"{"a": 1e300}"#, None)]
    #[case(r#"{"a": "1e400"}"#, None)]
    fn nulls_numbers_beyond_f64(#[case] text: &str, #[case] expected: Option<&str>) {
        assert_eq!(super::without_huge_numbers(text).as_deref(), expected);
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
