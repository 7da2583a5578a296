//! A few lines of JSON writing (no serde: only Debian's crates, and as few as possible).

pub struct Object {
    fields: Vec<String>,
}

impl Object {
    pub fn new() -> Object {
        Object { fields: Vec::new() }
    }

    pub fn raw(mut self, key: &str, value: impl std::fmt::Display) -> Object {
        self.fields.push(format!("  \"{key}\": {value}"));
        self
    }

    pub fn text(self, key: &str, value: &str) -> Object {
        self.raw(key, format!("\"{value}\""))
    }

    pub fn option(self, key: &str, value: Option<impl std::fmt::Display>) -> Object {
        match value {
            Some(v) => self.raw(key, v),
            None => self.raw(key, "null"),
        }
    }

    pub fn render(&self) -> String {
        format!("{{\n{}\n}}", self.fields.join(",\n"))
    }

    /// On one line, for nesting.
    pub fn inline(&self) -> String {
        format!("{{{}}}", self.fields.iter().map(|f| f.trim()).collect::<Vec<_>>().join(", "))
    }
}
