//! The per-method deny list (`deny` / `JITFLEET_DENY`): methods whose code is never installed
//! (nor captured) — the operator's answer to one misbehaving method without turning the agent
//! off.
//!
//! Grammar: patterns separated by `,` (in the environment) or `;` (both places: the agent
//! option string already splits on `,`). A pattern is `CLASS::METHOD`: `CLASS` is a binary
//! class name (`com.shop.Cart`, nested classes with `$`) and may end in `*` to match every
//! class starting with what precedes it (`com.shop.*`); `METHOD` is a method name or `*`.
//! Example: `com.shop.Cart::total;com.shop.legacy.*::*`.

/// One `CLASS::METHOD` pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Pattern {
    /// Binary name (dots), or its prefix when `class_prefix`.
    class: String,
    class_prefix: bool,
    /// `None`: every method.
    method: Option<String>,
}

/// A parsed deny list; empty by default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DenyList {
    patterns: Vec<Pattern>,
}

impl DenyList {
    /// Parses a list; the error names the bad pattern and what is wrong with it.
    pub fn parse(value: &str) -> Result<DenyList, String> {
        let mut patterns = Vec::new();
        for item in value.split([',', ';']).map(str::trim).filter(|s| !s.is_empty()) {
            let (class, method) = item.split_once("::").ok_or_else(|| format!("'{item}' is not CLASS::METHOD (e.g. com.shop.Cart::total or com.shop.Cart::*)"))?;
            let (class, class_prefix) = match class.strip_suffix('*') {
                Some(prefix) => (prefix, true),
                None => (class, false),
            };
            let class_ok = class.chars().all(|c| c.is_alphanumeric() || "._$".contains(c)) && (class_prefix || !class.is_empty());
            if !class_ok {
                return Err(format!("'{item}': bad class name '{class}' (binary name like com.shop.Cart, optionally ending in *)"));
            }
            let method = match method {
                "*" => None,
                m if !m.is_empty() && m.chars().all(|c| c.is_alphanumeric() || "_$<>".contains(c)) => Some(m.to_string()),
                m => return Err(format!("'{item}': bad method name '{m}' (a name or *)")),
            };
            patterns.push(Pattern { class: class.to_string(), class_prefix, method });
        }
        Ok(DenyList { patterns })
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether `method` of the class with internal name `class` (`com/shop/Cart`) is denied.
    pub fn denies(&self, class: &str, method: &str) -> bool {
        let binary = class.replace('/', ".");
        self.patterns.iter().any(|p| {
            let class_matches = if p.class_prefix { binary.starts_with(&p.class) } else { binary == p.class };
            let method_matches = match &p.method {
                None => true,
                Some(m) => m == method,
            };
            class_matches && method_matches
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_classes_methods_and_prefixes() {
        let d = DenyList::parse("com.shop.Cart::total; com.shop.legacy.*::*,Main$Inner::run").unwrap();
        assert!(d.denies("com/shop/Cart", "total"));
        assert!(!d.denies("com/shop/Cart", "add"));
        assert!(!d.denies("com/shop/CartX", "total"));
        assert!(d.denies("com/shop/legacy/Old", "anything"));
        assert!(d.denies("Main$Inner", "run"));
        assert!(!d.denies("Main", "run"));
        assert!(DenyList::parse("").unwrap().is_empty());
        assert!(DenyList::parse("*::*").unwrap().denies("any/Class", "m"));
    }

    #[test]
    fn bad_patterns_are_named() {
        assert!(DenyList::parse("com.shop.Cart").unwrap_err().contains("'com.shop.Cart' is not CLASS::METHOD"));
        assert!(DenyList::parse("a b::c").unwrap_err().contains("bad class name"));
        assert!(DenyList::parse("A::").unwrap_err().contains("bad method name"));
        assert!(DenyList::parse("::m").unwrap_err().contains("bad class name"));
    }
}
