//! The model-wide steps before a service is lowered: `apply` statements, mixins, and which
//! service to generate.

use crate::smithy::{ShapeType, traits};
use std::collections::{BTreeMap, BTreeSet};

use crate::Settings;
use crate::error::{Error, Result};
use crate::load::{AstMember, AstShape};

use super::Shapes;

pub(super) fn apply_statements(shapes: &mut Shapes) -> Result<()> {
    let applies: Vec<(String, AstShape)> = shapes
        .iter()
        .filter(|(_, shape)| shape.kind == ShapeType::Apply)
        .map(|(id, shape)| (id.clone(), shape.clone()))
        .collect();
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
        let traits = match member {
            None => &mut shape.traits,
            Some(member) => match find_member_mut(shape, &member) {
                Some(found) => &mut found.traits,
                None => continue,
            },
        };
        traits.extend(apply.traits);
    }
    Ok(())
}

fn find_member_mut<'a>(shape: &'a mut AstShape, name: &str) -> Option<&'a mut AstMember> {
    match name {
        "member" if shape.member.is_some() => shape.member.as_mut(),
        "key" if shape.key.is_some() => shape.key.as_mut(),
        "value" if shape.value.is_some() => shape.value.as_mut(),
        _ => shape.members.get_mut(name),
    }
}

pub(super) fn flatten_mixins(shapes: &mut Shapes) -> Result<()> {
    let ids: Vec<String> = shapes
        .iter()
        .filter(|(_, s)| !s.mixins.is_empty())
        .map(|(id, _)| id.clone())
        .collect();
    let mut done = BTreeSet::new();
    for id in ids {
        flatten_one(shapes, &id, &mut done, &mut Vec::new())?;
    }
    Ok(())
}

fn flatten_one(
    shapes: &mut Shapes,
    id: &str,
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
        flatten_one(shapes, mixin, done, stack)?;
    }
    stack.pop();
    let mut members = indexmap::IndexMap::new();
    let mut traits = BTreeMap::new();
    for mixin in &mixins {
        let source = &shapes[mixin];
        for (name, member) in &source.members {
            members.insert(name.clone(), member.clone());
        }
        for (name, value) in &source.traits {
            if name != traits::MIXIN {
                traits.insert(name.clone(), value.clone());
            }
        }
    }
    if let Some(shape) = shapes.get_mut(id) {
        for (name, member) in std::mem::take(&mut shape.members) {
            match members.get_mut(&name) {
                // A redeclared mixin member keeps its place and adds its traits.
                Some(existing) => existing.traits.extend(member.traits),
                None => {
                    members.insert(name, member);
                }
            }
        }
        traits.extend(std::mem::take(&mut shape.traits));
        shape.members = members;
        shape.traits = traits;
        shape.mixins.clear();
    }
    done.insert(id.to_owned());
    Ok(())
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
