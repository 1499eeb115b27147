//! Changes of the named types: added, removed, renamed, of another kind; their fields
//! and enum values; and the groups types are reported under (the resources using them).

use std::collections::{BTreeMap, BTreeSet};

use codegen::emit::{field_shape, FieldShape, ENUMS_NON_EXHAUSTIVE, STRUCTS_NON_EXHAUSTIVE};
use codegen::spec::{Field, Source, Spec, TypeDef, TypeKind, TypeRef};

use super::{renamed, Builder, Change, Kind, SHARED, UNUSED};

/// The resources whose operations use each type (through fields, arrays and maps).
fn users(spec: &Spec) -> BTreeMap<String, BTreeSet<String>> {
    let mut users: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for op in &spec.operations {
        for name in spec.reachable(op.type_refs().map(|(_, ty)| ty)) {
            users.entry(name).or_default().insert(op.resource.clone());
        }
    }
    users
}

fn kind_name(k: &TypeKind) -> &'static str {
    match k {
        TypeKind::Object { .. } => "object",
        TypeKind::Enum { .. } => "enum",
        TypeKind::Unknown => "unknown",
    }
}

/// A field's Rust shape: `(type, how it is held)` (the emitter's [`field_shape`]).
fn shape(f: &Field, is_input: bool) -> (&TypeRef, FieldShape) {
    (&f.ty, field_shape(f, is_input))
}

/// Types of `old` that `new` has under another name, by old name: a type gone and a type
/// come of one kind, from the same places in the document, with the same field names
/// (an overlay `type_names` entry, or an operation's new id). Only one-to-one matches.
pub(super) fn type_renames(old: &Spec, new: &Spec) -> BTreeMap<String, String> {
    let key = |t: &TypeDef| {
        let sources: Vec<String> = t.sources.iter().map(Source::to_string).collect();
        let members: Vec<&str> = match &t.kind {
            TypeKind::Object { fields } => fields.iter().map(|f| f.name.as_str()).collect(),
            TypeKind::Enum { values } => values.iter().map(String::as_str).collect(),
            TypeKind::Unknown => Vec::new(),
        };
        (!sources.is_empty()).then(|| format!("{} {} {}", kind_name(&t.kind), sources.join(" "), members.join(" ")))
    };
    renamed(
        old.types.iter().filter(|t| new.type_def(&t.name).is_none()).collect(),
        new.types.iter().filter(|t| old.type_def(&t.name).is_none()).collect(),
        key,
    )
    .into_iter()
    .map(|(was, t)| (was.name.clone(), t.name.clone()))
    .collect()
}

pub(super) fn type_changes(old: &Spec, new: &Spec, renamed_from: &BTreeMap<String, String>, out: &mut Vec<Change>) {
    let (old_users, new_users) = (users(old), users(new));
    let (old_inputs, new_inputs) = (old.input_types(), new.input_types());
    let group = |name: &str| {
        let none = BTreeSet::new();
        let resources = new_users.get(name).or_else(|| old_users.get(name)).unwrap_or(&none);
        match resources.len() {
            0 => UNUSED.to_string(),
            1 => resources.iter().next().cloned().unwrap_or_default(),
            _ => SHARED.to_string(),
        }
    };
    for t in &old.types {
        if new.type_def(&t.name).is_none() {
            let mut b = Builder { out: &mut *out, group: group(&t.name), subject: t.name.clone() };
            b.push(Kind::TypeRemoved, format!("type `{}` removed ({})", t.name, kind_name(&t.kind)))
                .breaking(true)
                .why("the model type disappears")
                .was_at(t.sources.first());
        }
    }
    for t in &new.types {
        let mut b = Builder { out: &mut *out, group: group(&t.name), subject: t.name.clone() };
        let name = &t.name;
        let source = t.sources.first();
        if let Some(was) = renamed_from.get(name) {
            b.push(Kind::TypeRenamed, format!("type `{was}` renamed `{name}` ({})", kind_name(&t.kind)))
                .breaking(true)
                .why("code naming the model type must use its new name")
                .at(source);
        }
        let Some(was) = old.type_def(name) else {
            b.push(Kind::TypeAdded, format!("type `{name}` added ({})", kind_name(&t.kind))).at(source);
            continue;
        };
        match (&was.kind, &t.kind) {
            (TypeKind::Object { fields: before }, TypeKind::Object { fields: after }) => {
                let is_input = (old_inputs.contains(name), new_inputs.contains(name));
                field_changes(name, before, after, is_input, &mut b);
            }
            (TypeKind::Enum { values: before }, TypeKind::Enum { values: after }) => {
                for v in before.iter().filter(|v| !after.contains(v)) {
                    b.push(Kind::EnumValueRemoved, format!("`{name}`: value `{v}` removed"))
                        .item(v)
                        .breaking(true)
                        .why("its variant disappears (the value now decodes as `Undocumented`)")
                        .was_at(was.sources.first());
                }
                for v in after.iter().filter(|v| !before.contains(v)) {
                    let breaking = !ENUMS_NON_EXHAUSTIVE;
                    b.push(Kind::EnumValueAdded, format!("`{name}`: value `{v}` added")).item(v).breaking(breaking).why(Some(if breaking {
                            "the enum is not `#[non_exhaustive]`: exhaustive `match`es stop compiling, and the value, which decoded as `Undocumented`, gets its own variant (decoding never fails)"
                        } else {
                            "the enum is open and `#[non_exhaustive]`; the value, which decoded as `Undocumented`, gets its own variant"
                        })).at(source);
                }
            }
            (a, b2) if kind_name(a) != kind_name(b2) => {
                b.push(Kind::TypeKindChanged, format!("type `{name}`: {} → {}", kind_name(a), kind_name(b2)))
                    .breaking(true)
                    .why("the model type changes shape")
                    .at(source);
            }
            _ => {}
        }
    }
}

fn field_changes(name: &str, before: &[Field], after: &[Field], is_input: (bool, bool), b: &mut Builder) {
    let find = |fs: &'_ [Field], n: &str| fs.iter().position(|f| f.name == n);
    let mut removed: Vec<&Field> = before.iter().filter(|f| find(after, &f.name).is_none()).collect();
    let mut added: Vec<&Field> = after.iter().filter(|f| find(before, &f.name).is_none()).collect();
    if let ([gone], [came]) = (removed.as_slice(), added.as_slice()) {
        if gone.ty == came.ty {
            b.push(Kind::FieldRenamed, format!("`{name}`: field `{}` renamed to `{}`", gone.name, came.name))
                .item(&came.name)
                .breaking(true)
                .why("the struct field is renamed")
                .at(Some(&came.source));
            removed.clear();
            added.clear();
        }
    }
    for f in removed {
        b.push(Kind::FieldRemoved, format!("`{name}`: field `{}` removed", f.name))
            .item(&f.name)
            .breaking(true)
            .why("the struct field disappears")
            .was_at(Some(&f.source));
    }
    for f in added {
        let (_, held) = shape(f, is_input.1);
        let required = if f.required { "required " } else { "" };
        let (breaking, why) = if held == FieldShape::Plain {
            (true, "a new argument of `new()`")
        } else if STRUCTS_NON_EXHAUSTIVE {
            (false, if is_input.1 {
                "the struct is `#[non_exhaustive]` and built with `new()` and setters: a new setter"
            } else {
                "a response field: the struct is `#[non_exhaustive]`, so code reading responses (patterns with `..`) is unaffected"
            })
        } else {
            (true, "the struct is not `#[non_exhaustive]`: struct literals and exhaustive patterns stop compiling; code using `new()`/`Default` and field access is unaffected")
        };
        b.push(Kind::FieldAdded, format!("`{name}`: {required}field `{}` added ({})", f.name, f.ty))
            .item(&f.name)
            .breaking(breaking)
            .why(why)
            .at(Some(&f.source));
    }
    for f in after {
        let Some(i) = find(before, &f.name) else { continue };
        let g = &before[i];
        let field = &f.name;
        if g.ty != f.ty {
            b.push(Kind::FieldRetyped, format!("`{name}`: field `{field}` retyped `{}` → `{}`", g.ty, f.ty))
                .item(field)
                .breaking(true)
                .why("the struct field's Rust type changes")
                .at(Some(&f.source));
        }
        let shape_changed = shape(g, is_input.0).1 != shape(f, is_input.1).1;
        let shape_why = |breaking: bool| {
            Some(if breaking {
                "the field's Rust shape changes (`T`, an argument of `new()`; `Vec<T>`; `Option<T>`)"
            } else {
                "the field's Rust shape stays"
            })
        };
        if g.required != f.required {
            let (kind, word) =
                if f.required { (Kind::FieldRequired, "required") } else { (Kind::FieldOptional, "optional") };
            b.push(kind, format!("`{name}`: field `{field}` made {word}"))
                .item(field)
                .breaking(shape_changed)
                .why(shape_why(shape_changed))
                .at(Some(&f.source));
        }
        if g.nullable != f.nullable {
            let word = if f.nullable { "nullable" } else { "not nullable" };
            // Reported as breaking only when `required` did not already say so.
            let breaking = shape_changed && g.required == f.required;
            b.push(Kind::FieldNullability, format!("`{name}`: field `{field}` made {word}"))
                .item(field)
                .breaking(breaking)
                .why(shape_why(breaking))
                .at(Some(&f.source));
        }
        if g.deprecated != f.deprecated {
            let word = if f.deprecated { "deprecated" } else { "no longer deprecated" };
            b.push(Kind::FieldDeprecation, format!("`{name}`: field `{field}` {word}")).item(field).at(Some(&f.source));
        }
    }
}
