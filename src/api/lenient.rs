//! Reading JSON fields leniently: Graph answers show numbers and booleans as strings in places.

use serde_json::Value;

pub fn string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub fn int(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub fn boolean(v: Option<&Value>) -> Option<bool> {
    match v? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        Value::Number(n) => n.as_i64().map(|i| i != 0),
        _ => None,
    }
}

/// A whole value as text (for `error_data` given as a bare string).
pub fn string_value(v: &Value) -> Option<String> {
    string(Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_and_booleans_may_be_strings() {
        let v = json!({"a": "12", "b": 12, "c": "true", "d": false, "e": [1], "f": 1.0});
        assert_eq!(int(v.get("a")), Some(12));
        assert_eq!(int(v.get("b")), Some(12));
        assert_eq!(int(v.get("f")), Some(1));
        assert_eq!(int(v.get("e")), None);
        assert_eq!(boolean(v.get("c")), Some(true));
        assert_eq!(boolean(v.get("d")), Some(false));
        assert_eq!(string(v.get("b")), Some("12".into()));
        assert_eq!(string(v.get("missing")), None);
    }
}
