//! The names and types of the prelude's shapes (`smithy.api`), which every model can name
//! without a namespace or `use`. A test checks this table against the prelude file.

/// Every shape the prelude defines, by name, with its shape type.
pub(crate) const PRELUDE_SHAPES: &[(&str, &str)] = &[
    ("AuthTraitReference", "string"),
    ("BigDecimal", "bigDecimal"),
    ("BigInteger", "bigInteger"),
    ("Blob", "blob"),
    ("Boolean", "boolean"),
    ("Byte", "byte"),
    ("ClosureId", "string"),
    ("CommonMark", "string"),
    ("Document", "document"),
    ("Double", "double"),
    ("EnumConstantBodyName", "string"),
    ("EnumDefinition", "structure"),
    ("Example", "structure"),
    ("ExampleError", "structure"),
    ("Float", "float"),
    ("HttpApiKeyLocations", "enum"),
    ("IdempotentErrors", "list"),
    ("Identifier", "string"),
    ("Integer", "integer"),
    ("LocalMixinTrait", "string"),
    ("LocalMixinTraitList", "list"),
    ("Long", "long"),
    ("Namespaces", "list"),
    ("NonEmptyString", "string"),
    ("NonEmptyStringList", "list"),
    ("NonEmptyStringMap", "map"),
    ("PrimitiveBoolean", "boolean"),
    ("PrimitiveByte", "byte"),
    ("PrimitiveDouble", "double"),
    ("PrimitiveFloat", "float"),
    ("PrimitiveInteger", "integer"),
    ("PrimitiveLong", "long"),
    ("PrimitiveShort", "short"),
    ("Reference", "structure"),
    ("Renames", "map"),
    ("RequestCompressionEncodingsList", "list"),
    ("Severity", "enum"),
    ("ShapeClosure", "structure"),
    ("ShapeClosures", "list"),
    ("Short", "short"),
    ("String", "string"),
    ("StructurallyExclusive", "enum"),
    ("Timestamp", "timestamp"),
    ("TraitChangeType", "enum"),
    ("TraitDiffRule", "structure"),
    ("TraitDiffRules", "list"),
    ("TraitShapeId", "string"),
    ("TraitShapeIdList", "list"),
    ("TraitValidator", "structure"),
    ("Unit", "structure"),
    ("addedDefault", "structure"),
    ("auth", "list"),
    ("authDefinition", "structure"),
    ("box", "structure"),
    ("clientOptional", "structure"),
    ("cors", "structure"),
    ("default", "document"),
    ("deprecated", "structure"),
    ("documentation", "string"),
    ("endpoint", "structure"),
    ("enum", "list"),
    ("enumValue", "document"),
    ("error", "enum"),
    ("eventHeader", "structure"),
    ("eventPayload", "structure"),
    ("examples", "list"),
    ("externalDocumentation", "map"),
    ("hostLabel", "structure"),
    ("http", "structure"),
    ("httpApiKeyAuth", "structure"),
    ("httpBasicAuth", "structure"),
    ("httpBearerAuth", "structure"),
    ("httpChecksumRequired", "structure"),
    ("httpDigestAuth", "structure"),
    ("httpError", "integer"),
    ("httpHeader", "string"),
    ("httpLabel", "structure"),
    ("httpPayload", "structure"),
    ("httpPrefixHeaders", "string"),
    ("httpQuery", "string"),
    ("httpQueryParams", "structure"),
    ("httpResponseCode", "structure"),
    ("idRef", "structure"),
    ("idempotencyToken", "structure"),
    ("idempotent", "structure"),
    ("input", "structure"),
    ("internal", "structure"),
    ("jsonName", "string"),
    ("length", "structure"),
    ("longPoll", "structure"),
    ("mediaType", "string"),
    ("metadata", "structure"),
    ("mixin", "structure"),
    ("nestedProperties", "structure"),
    ("noReplace", "structure"),
    ("notProperty", "structure"),
    ("optionalAuth", "structure"),
    ("output", "structure"),
    ("paginated", "structure"),
    ("pattern", "string"),
    ("private", "structure"),
    ("property", "structure"),
    ("protocolDefinition", "structure"),
    ("range", "structure"),
    ("readonly", "structure"),
    ("recommended", "structure"),
    ("references", "list"),
    ("requestCompression", "structure"),
    ("required", "structure"),
    ("requiresLength", "structure"),
    ("resourceIdentifier", "string"),
    ("retryable", "structure"),
    ("sensitive", "structure"),
    ("since", "string"),
    ("sparse", "structure"),
    ("streaming", "structure"),
    ("suppress", "list"),
    ("tags", "list"),
    ("timestampFormat", "enum"),
    ("title", "string"),
    ("trait", "structure"),
    ("traitValidators", "map"),
    ("uniqueItems", "structure"),
    ("unitType", "structure"),
    ("unstable", "structure"),
    ("xmlAttribute", "structure"),
    ("xmlFlattened", "structure"),
    ("xmlName", "string"),
    ("xmlNamespace", "structure"),
];

/// The prelude's namespace.
pub(crate) const PRELUDE_NAMESPACE: &str = "smithy.api";

/// The shape type of a prelude shape, by name.
pub(crate) fn prelude_type(name: &str) -> Option<&'static str> {
    PRELUDE_SHAPES
        .binary_search_by(|(n, _)| (*n).cmp(name))
        .ok()
        .and_then(|i| PRELUDE_SHAPES.get(i))
        .map(|(_, kind)| *kind)
}

/// The traits Smithy's own trait packages define (AWS protocols, auth, API, IAM,
/// CloudFormation, API Gateway, endpoints; protocol tests, smoke tests, waiters, rules, RPC v2,
/// MQTT, OpenAPI, contracts), by id, with their shape types. Smithy resolves them when those
/// packages are on its classpath; here they resolve as trait applications whenever the inputs
/// do not define them, so a model can apply `@aws.protocols#restJson1` without carrying the
/// package's files. Sorted by id.
const PACKAGE_TRAITS: &[(&str, &str)] = &[
    ("aws.api#arn", "structure"),
    ("aws.api#arnReference", "structure"),
    ("aws.api#awsChunked", "structure"),
    ("aws.api#clientDiscoveredEndpoint", "structure"),
    ("aws.api#clientEndpointDiscovery", "structure"),
    ("aws.api#clientEndpointDiscoveryId", "structure"),
    ("aws.api#controlPlane", "structure"),
    ("aws.api#data", "enum"),
    ("aws.api#dataPlane", "structure"),
    ("aws.api#service", "structure"),
    ("aws.api#tagEnabled", "structure"),
    ("aws.api#taggable", "structure"),
    ("aws.apigateway#apiKeyRequired", "structure"),
    ("aws.apigateway#apiKeySource", "string"),
    ("aws.apigateway#apiTlsPolicy", "structure"),
    ("aws.apigateway#authorizer", "string"),
    ("aws.apigateway#authorizers", "map"),
    ("aws.apigateway#endpointConfiguration", "structure"),
    ("aws.apigateway#gatewayResponses", "map"),
    ("aws.apigateway#integration", "structure"),
    ("aws.apigateway#minimumCompressionSize", "integer"),
    ("aws.apigateway#mockIntegration", "structure"),
    ("aws.apigateway#requestValidator", "string"),
    ("aws.apigateway#resourcePolicy", "document"),
    ("aws.auth#cognitoUserPools", "structure"),
    ("aws.auth#cognitoUserPoolsScopes", "list"),
    ("aws.auth#sigv4", "structure"),
    ("aws.auth#sigv4a", "structure"),
    ("aws.auth#unsignedPayload", "structure"),
    ("aws.cloudformation#cfnAdditionalIdentifier", "structure"),
    ("aws.cloudformation#cfnDefaultValue", "structure"),
    ("aws.cloudformation#cfnExcludeProperty", "structure"),
    ("aws.cloudformation#cfnMutability", "enum"),
    ("aws.cloudformation#cfnName", "string"),
    ("aws.cloudformation#cfnResource", "structure"),
    ("aws.customizations#s3UnwrappedXmlOutput", "structure"),
    ("aws.endpoints#dualStackOnlyEndpoints", "structure"),
    ("aws.endpoints#endpointsModifier", "structure"),
    ("aws.endpoints#rulesBasedEndpoints", "structure"),
    ("aws.endpoints#standardPartitionalEndpoints", "structure"),
    ("aws.endpoints#standardRegionalEndpoints", "structure"),
    ("aws.iam#actionName", "string"),
    ("aws.iam#actionPermissionDescription", "string"),
    ("aws.iam#conditionKeyValue", "string"),
    ("aws.iam#conditionKeys", "list"),
    ("aws.iam#defineConditionKeys", "map"),
    ("aws.iam#disableConditionKeyInference", "structure"),
    ("aws.iam#iamAction", "structure"),
    ("aws.iam#iamResource", "structure"),
    ("aws.iam#requiredActions", "list"),
    ("aws.iam#serviceResolvedConditionKeys", "list"),
    ("aws.iam#supportedPrincipalTypes", "list"),
    ("aws.protocols#awsJson1_0", "structure"),
    ("aws.protocols#awsJson1_1", "structure"),
    ("aws.protocols#awsQuery", "structure"),
    ("aws.protocols#awsQueryCompatible", "structure"),
    ("aws.protocols#awsQueryError", "structure"),
    ("aws.protocols#ec2Query", "structure"),
    ("aws.protocols#ec2QueryName", "string"),
    ("aws.protocols#httpChecksum", "structure"),
    ("aws.protocols#restJson1", "structure"),
    ("aws.protocols#restXml", "structure"),
    ("smithy.contracts#conditions", "map"),
    ("smithy.mqtt#mqttJson", "structure"),
    ("smithy.mqtt#publish", "string"),
    ("smithy.mqtt#subscribe", "string"),
    ("smithy.mqtt#topicLabel", "structure"),
    ("smithy.openapi#specificationExtension", "structure"),
    ("smithy.protocols#rpcv2Cbor", "structure"),
    ("smithy.protocols#rpcv2Json", "structure"),
    ("smithy.rules#clientContextParams", "map"),
    ("smithy.rules#contextParam", "structure"),
    ("smithy.rules#endpointBdd", "structure"),
    ("smithy.rules#endpointRuleSet", "document"),
    ("smithy.rules#endpointTests", "structure"),
    ("smithy.rules#operationContextParams", "map"),
    ("smithy.rules#staticContextParams", "map"),
    ("smithy.test#eventStreamTests", "list"),
    ("smithy.test#httpMalformedRequestTests", "list"),
    ("smithy.test#httpRequestTests", "list"),
    ("smithy.test#httpResponseTests", "list"),
    ("smithy.test#smokeTests", "list"),
    ("smithy.waiters#waitable", "map"),
];

/// The shape type of a trait one of Smithy's trait packages defines, by absolute id.
pub(crate) fn package_trait_type(id: &str) -> Option<&'static str> {
    PACKAGE_TRAITS
        .binary_search_by(|(n, _)| (*n).cmp(id))
        .ok()
        .and_then(|i| PACKAGE_TRAITS.get(i))
        .map(|(_, kind)| *kind)
}

/// The prelude's value shapes, which members target (`String`, `Integer`, `PrimitiveInteger`,
/// `Unit`, ...), by name: type, and the `@default` of the primitive ones.
const VALUE_SHAPES: &[(&str, &str, Option<bool>)] = &[
    ("String", "string", None),
    ("Blob", "blob", None),
    ("BigInteger", "bigInteger", None),
    ("BigDecimal", "bigDecimal", None),
    ("Timestamp", "timestamp", None),
    ("Document", "document", None),
    ("Boolean", "boolean", None),
    ("Byte", "byte", None),
    ("Short", "short", None),
    ("Integer", "integer", None),
    ("Long", "long", None),
    ("Float", "float", None),
    ("Double", "double", None),
    ("PrimitiveBoolean", "boolean", Some(false)),
    ("PrimitiveByte", "byte", Some(true)),
    ("PrimitiveShort", "short", Some(true)),
    ("PrimitiveInteger", "integer", Some(true)),
    ("PrimitiveLong", "long", Some(true)),
    ("PrimitiveFloat", "float", Some(true)),
    ("PrimitiveDouble", "double", Some(true)),
    ("Unit", "structure", None),
];

/// The prelude's value shapes as JSON AST shapes by absolute id, as Smithy's prelude defines
/// them (`@default(false)` or `@default(0)` on the primitive ones, `@unitType` on `Unit`).
pub(crate) fn value_shapes() -> serde_json::Map<String, serde_json::Value> {
    use serde_json::{Value, json};
    VALUE_SHAPES
        .iter()
        .map(|&(name, kind, primitive)| {
            let traits = match (name, primitive) {
                ("Unit", _) => json!({ "smithy.api#unitType": {} }),
                (_, Some(false)) => json!({ "smithy.api#default": false }),
                (_, Some(true)) => json!({ "smithy.api#default": 0 }),
                (_, None) => Value::Null,
            };
            let mut shape = json!({ "type": kind });
            if !traits.is_null() {
                shape["traits"] = traits;
            }
            (format!("smithy.api#{name}"), shape)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every value shape is a prelude shape of the same type.
    #[test]
    fn value_shapes_are_prelude_shapes() {
        for (id, shape) in value_shapes() {
            let name = id.trim_start_matches("smithy.api#");
            let kind = PRELUDE_SHAPES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, k)| *k);
            assert_eq!(kind, shape["type"].as_str(), "{id}");
        }
    }

    #[test]
    fn package_traits_are_sorted() {
        assert!(PACKAGE_TRAITS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    /// The trait packages the protocol tests use, as the shared corpus holds them, define
    /// only traits the table knows, with the same types.
    #[test]
    fn package_traits_cover_the_shared_trait_definitions() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/smithy-idl/traits");
        let model = crate::load_paths(&[folder]).unwrap_or_else(|errors| panic!("{}", errors[0]));
        let shapes = model["shapes"].as_object().cloned().unwrap_or_default();
        let mut traits = 0;
        for (id, shape) in &shapes {
            if shape
                .get("traits")
                .and_then(|t| t.get("smithy.api#trait"))
                .is_some()
            {
                traits += 1;
                assert_eq!(
                    package_trait_type(id),
                    shape["type"].as_str(),
                    "{id} in the package trait table"
                );
            }
        }
        assert!(traits > 30, "only {traits} trait definitions found");
    }
}
