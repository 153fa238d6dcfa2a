//! Smithy's mixin flattening cases (`../shared/smithy-idl/loader/valid/mixins/`): each
//! `X.smithy` with mixins must load to the model its `X.flattened.smithy` twin describes once
//! mixins are applied, as Smithy's `ModelTransformer.flattenAndRemoveMixins` applies them:
//! members and non-local traits copied into the shapes that use a mixin, the `mixins` lists
//! dropped, and the shapes marked `@mixin` removed.

mod common;

use serde_json::Value;

use common::{canonical, corpus, first_difference};

/// Loads a file of the mixins folder on its own, as Smithy's flattening test does.
fn load(name: &str) -> Value {
    let path = corpus().join("loader/valid/mixins").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "cannot read {} ({error}); the shared corpus belongs at ../shared/smithy-idl",
            path.display()
        )
    });
    smithy_idl::load(&[(path.display().to_string(), text)]).unwrap_or_else(|errors| {
        let first = errors.first().map(ToString::to_string).unwrap_or_default();
        panic!("{name} is refused: {first}")
    })
}

/// The model with its mixins applied and removed: `canonical` copies each mixin's members
/// and non-local traits into the shapes that use it; then the `mixins` lists go, and so do the
/// shapes that are mixins themselves.
fn flattened(model: &Value) -> Value {
    let mut model = canonical(model);
    if let Some(shapes) = model.get_mut("shapes").and_then(Value::as_object_mut) {
        shapes.retain(|_, shape| {
            shape
                .get("traits")
                .and_then(|traits| traits.get("smithy.api#mixin"))
                .is_none()
        });
        for shape in shapes.values_mut().filter_map(Value::as_object_mut) {
            shape.remove("mixins");
        }
    }
    model
}

/// `X.smithy`, flattened, must equal `X.flattened.smithy`.
fn flattens_to_its_twin(case: &str) {
    let actual = flattened(&load(&format!("{case}.smithy")));
    let expected = canonical(&load(&format!("{case}.flattened.smithy")));
    assert!(
        actual == expected,
        "{case} does not flatten to its twin: {}",
        first_difference(&actual, &expected)
    );
}

/// One test per case, named after its file, and the list of the cases.
macro_rules! flattening_cases {
    ($($test:ident: $case:literal,)*) => {
        $(
            #[doc = concat!("`valid/mixins/", $case, ".smithy`")]
            #[test]
            fn $test() {
                flattens_to_its_twin($case);
            }
        )*

        /// The cases above.
        const CASES: &[&str] = &[$($case),*];
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

/// Every `*.flattened.smithy` file of the folder has its case above.
#[test]
fn every_flattened_twin_has_a_case() {
    let folder = corpus().join("loader/valid/mixins");
    let mut twins: Vec<String> = std::fs::read_dir(&folder)
        .unwrap_or_else(|error| panic!("cannot read {} ({error})", folder.display()))
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".flattened.smithy").map(str::to_owned)
        })
        .collect();
    twins.sort();
    let mut cases = CASES.to_vec();
    cases.sort_unstable();
    assert_eq!(twins, cases);
}
