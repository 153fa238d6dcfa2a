$version: "2"

// The shapes of Smithy's validation model package, which the loader adds when a model refers to
// them without defining them, as if the package were loaded.
namespace smithy.framework

/// Every constraint the input breaks: a summary, and one entry per violation.
@error("client")
structure ValidationException {
    @required
    message: String

    fieldList: ValidationExceptionFieldList
}

/// One violation: where (a JSON pointer) and what.
structure ValidationExceptionField {
    @required
    path: String

    @required
    message: String
}

list ValidationExceptionFieldList {
    member: ValidationExceptionField
}
