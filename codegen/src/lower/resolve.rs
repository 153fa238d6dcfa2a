//! The model-wide steps before a service is lowered: `apply` statements, mixins, and which
//! service to generate.

use crate::smithy::{ShapeType, traits};
use std::collections::{BTreeMap, BTreeSet};

use crate::Settings;
use crate::error::{Error, Result};
use crate::load::{AstMember, AstShape, Target};

use super::Shapes;

/// Traits that `apply` statements give members a shape inherits from its mixins, by shape id:
/// they are added once the shape's mixins are resolved.
pub(super) type InheritedApplies = BTreeMap<String, Vec<(String, Traits)>>;

type Traits = BTreeMap<String, serde_json::Value>;

/// Adds the traits of `apply` statements (the JSON AST's `apply` shapes) to the shapes and
/// members they name; returns those for members the shape inherits from a mixin.
pub(super) fn apply_statements(shapes: &mut Shapes) -> Result<InheritedApplies> {
    let applies: Vec<(String, AstShape)> = shapes
        .iter()
        .filter(|(_, shape)| shape.kind == ShapeType::Apply)
        .map(|(id, shape)| (id.clone(), shape.clone()))
        .collect();
    let mut inherited = InheritedApplies::new();
    for (id, apply) in applies {
        shapes.remove(&id);
        let (shape_id, member) = match id.split_once('$') {
            Some((shape, member)) => (shape.to_owned(), Some(member.to_owned())),
            None => (id.clone(), None),
        };
        let Some(shape) = shapes.get_mut(&shape_id) else {
            // Applying traits to a shape that is not in this model (a prelude shape, say)
            // changes nothing the generator emits.
            continue;
        };
        let has_mixins = !shape.mixins.is_empty();
        let traits = match member {
            None => &mut shape.traits,
            Some(member) => match find_member_mut(shape, &member) {
                Some(found) => &mut found.traits,
                None if has_mixins => {
                    inherited
                        .entry(shape_id)
                        .or_default()
                        .push((member, apply.traits));
                    continue;
                }
                None => continue,
            },
        };
        traits.extend(apply.traits);
    }
    Ok(inherited)
}

fn find_member_mut<'a>(shape: &'a mut AstShape, name: &str) -> Option<&'a mut AstMember> {
    match name {
        "member" if shape.member.is_some() => shape.member.as_mut(),
        "key" if shape.key.is_some() => shape.key.as_mut(),
        "value" if shape.value.is_some() => shape.value.as_mut(),
        _ => shape.members.get_mut(name),
    }
}

/// Resolves mixins as Smithy flattens them: each shape that uses mixins gets their members,
/// traits and properties (a mixin's own mixins first), then its own, then the traits applied
/// to the members it inherits.
pub(super) fn flatten_mixins(shapes: &mut Shapes, applies: &InheritedApplies) -> Result<()> {
    let ids: Vec<String> = shapes
        .iter()
        .filter(|(_, s)| !s.mixins.is_empty())
        .map(|(id, _)| id.clone())
        .collect();
    let mut done = BTreeSet::new();
    for id in ids {
        flatten_one(shapes, &id, applies, &mut done, &mut Vec::new())?;
    }
    Ok(())
}

fn flatten_one(
    shapes: &mut Shapes,
    id: &str,
    applies: &InheritedApplies,
    done: &mut BTreeSet<String>,
    stack: &mut Vec<String>,
) -> Result<()> {
    if done.contains(id) {
        return Ok(());
    }
    if stack.iter().any(|s| s == id) {
        return Err(Error::Unsupported {
            shape: id.to_owned(),
            reason: "mixins form a cycle".into(),
        });
    }
    stack.push(id.to_owned());
    let mixins: Vec<String> = shapes
        .get(id)
        .map(|s| s.mixins.iter().map(|m| m.target.clone()).collect())
        .unwrap_or_default();
    for mixin in &mixins {
        if !shapes.contains_key(mixin) {
            return Err(Error::MissingShape {
                shape: id.to_owned(),
                target: mixin.clone(),
            });
        }
        flatten_one(shapes, mixin, applies, done, stack)?;
    }
    stack.pop();
    let mut inherited = AstShape {
        kind: shapes[id].kind,
        ..AstShape::empty()
    };
    for mixin in &mixins {
        inherit(&mut inherited, &shapes[mixin]);
    }
    if let Some(shape) = shapes.get_mut(id) {
        let own = std::mem::replace(shape, inherited);
        add_own(shape, own);
        for (member, traits) in applies.get(id).into_iter().flatten() {
            if let Some(found) = find_member_mut(shape, member) {
                found.traits.extend(traits.clone());
            }
        }
    }
    done.insert(id.to_owned());
    Ok(())
}

/// Adds what a flattened mixin gives the shapes that use it: its members and properties, and
/// its traits but `@mixin` and those the mixin keeps local (`@mixin(localTraits: [...])`).
fn inherit(into: &mut AstShape, mixin: &AstShape) {
    let local: Vec<&str> = mixin
        .traits
        .get(traits::MIXIN)
        .and_then(|m| m.get("localTraits"))
        .and_then(serde_json::Value::as_array)
        .map(|ids| ids.iter().filter_map(serde_json::Value::as_str).collect())
        .unwrap_or_default();
    for (name, member) in &mixin.members {
        match into.members.get_mut(name) {
            // A member two mixins define has the traits of both, the later mixin's winning.
            Some(existing) => existing.traits.extend(member.traits.clone()),
            None => {
                into.members.insert(name.clone(), member.clone());
            }
        }
    }
    for (name, value) in &mixin.traits {
        if name != traits::MIXIN && !local.contains(&name.as_str()) {
            into.traits.insert(name.clone(), value.clone());
        }
    }
    for (list, from) in [
        (&mut into.errors, &mixin.errors),
        (&mut into.operations, &mixin.operations),
        (
            &mut into.collection_operations,
            &mixin.collection_operations,
        ),
        (&mut into.resources, &mixin.resources),
    ] {
        extend_unique(list, from);
    }
    for (slot, from) in [
        (&mut into.input, &mixin.input),
        (&mut into.output, &mixin.output),
        (&mut into.create, &mixin.create),
        (&mut into.put, &mixin.put),
        (&mut into.read, &mixin.read),
        (&mut into.update, &mixin.update),
        (&mut into.delete, &mixin.delete),
        (&mut into.list, &mixin.list),
    ] {
        if from.is_some() {
            slot.clone_from(from);
        }
    }
    for (slot, from) in [
        (&mut into.member, &mixin.member),
        (&mut into.key, &mixin.key),
        (&mut into.value, &mixin.value),
    ] {
        if from.is_some() {
            slot.clone_from(from);
        }
    }
    if mixin.version.is_some() {
        into.version.clone_from(&mixin.version);
    }
    into.rename
        .extend(mixin.rename.iter().map(|(k, v)| (k.clone(), v.clone())));
}

/// Adds a shape's own definition over what it inherited: its own members after the inherited
/// ones (a redeclared member keeps its place and adds its traits), its own traits and
/// properties over the mixins'.
fn add_own(shape: &mut AstShape, own: AstShape) {
    for (name, member) in own.members {
        match shape.members.get_mut(&name) {
            Some(existing) => existing.traits.extend(member.traits),
            None => {
                shape.members.insert(name, member);
            }
        }
    }
    shape.traits.extend(own.traits);
    for (list, from) in [
        (&mut shape.errors, own.errors),
        (&mut shape.operations, own.operations),
        (&mut shape.collection_operations, own.collection_operations),
        (&mut shape.resources, own.resources),
    ] {
        extend_unique(list, &from);
    }
    for (slot, from) in [
        (&mut shape.input, own.input),
        (&mut shape.output, own.output),
        (&mut shape.create, own.create),
        (&mut shape.put, own.put),
        (&mut shape.read, own.read),
        (&mut shape.update, own.update),
        (&mut shape.delete, own.delete),
        (&mut shape.list, own.list),
    ] {
        if from.is_some() {
            *slot = from;
        }
    }
    for (slot, from) in [
        (&mut shape.member, own.member),
        (&mut shape.key, own.key),
        (&mut shape.value, own.value),
    ] {
        if let Some(own) = from {
            match slot {
                Some(existing) if existing.target == own.target => {
                    existing.traits.extend(own.traits);
                }
                _ => *slot = Some(own),
            }
        }
    }
    if own.version.is_some() {
        shape.version = own.version;
    }
    shape.rename.extend(own.rename);
}

/// Appends the references of `from` that `list` does not hold yet.
fn extend_unique(list: &mut Vec<Target>, from: &[Target]) {
    for target in from {
        if !list.contains(target) {
            list.push(target.clone());
        }
    }
}

pub(super) fn pick_service(shapes: &Shapes, settings: &Settings) -> Result<String> {
    if let Some(id) = &settings.service {
        return match shapes.get(id) {
            Some(shape) if shape.kind == ShapeType::Service => Ok(id.clone()),
            Some(_) => Err(Error::Service(format!("{id} is not a service shape"))),
            None => Err(Error::Service(format!("the model has no shape {id}"))),
        };
    }
    let services: Vec<&String> = shapes
        .iter()
        .filter(|(_, s)| s.kind == ShapeType::Service)
        .map(|(id, _)| id)
        .collect();
    match services.as_slice() {
        [only] => Ok((*only).clone()),
        [] => Err(Error::Service("the model has no service shape".into())),
        many => Err(Error::Service(format!(
            "the model has {} services; name one of: {}",
            many.len(),
            many.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    //! Smithy's own mixin cases: each `X.smithy` of the loader corpus, with its `apply`
    //! statements and mixins resolved here and its mixin shapes left out, equals the model
    //! Smithy gives as its flattened form, `X.flattened.smithy`.

    use std::path::PathBuf;

    use super::{Shapes, apply_statements, flatten_mixins};
    use crate::smithy::traits;

    fn corpus(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/smithy-idl/loader/valid/mixins")
            .join(name)
    }

    /// The shapes of a corpus file, resolved as the generator resolves a model, without the
    /// prelude's shapes and without mixins.
    fn resolved(name: &str) -> Shapes {
        let model = crate::Model::from_files(&[corpus(name)])
            .unwrap_or_else(|error| panic!("{name} loads: {error}"));
        let mut shapes = crate::load::load(model.as_json()).expect("its shapes read");
        let inherited = apply_statements(&mut shapes).expect("its apply statements resolve");
        flatten_mixins(&mut shapes, &inherited).expect("its mixins resolve");
        shapes.retain(|id, shape| {
            !id.starts_with("smithy.api#") && !shape.traits.contains_key(traits::MIXIN)
        });
        shapes
    }

    fn check(case: &str) {
        let flattened = resolved(&format!("{case}.flattened.smithy"));
        let mixed = resolved(&format!("{case}.smithy"));
        assert_eq!(
            mixed.keys().collect::<Vec<_>>(),
            flattened.keys().collect::<Vec<_>>(),
            "{case}: the shapes"
        );
        for (id, shape) in &mixed {
            let expected = &flattened[id];
            assert_eq!(shape, expected, "{case}: {id}");
            assert_eq!(
                shape.members.keys().collect::<Vec<_>>(),
                expected.members.keys().collect::<Vec<_>>(),
                "{case}: the order of {id}'s members"
            );
        }
    }

    macro_rules! flattening_cases {
        ($($test:ident: $case:literal,)*) => {
            $(
                #[test]
                fn $test() {
                    check($case);
                }
            )*
        };
    }

    flattening_cases! {
        enum_mixins: "enum-mixins",
        idl_mixins_redefine_member: "idl-mixins-redefine-member",
        loads_mixins: "loads-mixins",
        mixins_with_member_override_1: "mixins-with-member-override-1",
        mixins_with_member_override_2: "mixins-with-member-override-2",
        mixins_with_member_override_3: "mixins-with-member-override-3",
        mixins_with_member_override_4: "mixins-with-member-override-4",
        mixins_with_members_and_traits: "mixins-with-members-and-traits",
        mixins_with_members: "mixins-with-members",
        mixins_with_mixin_local_traits: "mixins-with-mixin-local-traits",
        operations: "operations",
        resources: "resources",
        services: "services",
    }

    /// The corpus holds exactly these thirteen pairs.
    #[test]
    fn every_flattened_case_is_tested() {
        let mut cases: Vec<String> = std::fs::read_dir(corpus(""))
            .expect("the corpus folder")
            .filter_map(|entry| {
                let name = entry.ok()?.file_name().into_string().ok()?;
                name.strip_suffix(".flattened.smithy").map(str::to_owned)
            })
            .collect();
        cases.sort();
        assert_eq!(cases.len(), 13, "{cases:?}");
    }
}
