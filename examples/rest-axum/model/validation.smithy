$version: "2"

// Smithy's standard input-validation error. Smithy publishes it in a package of its own
// (smithy-validation-model); a model that lists it in an operation's errors carries its
// definition among its files, as here.
namespace smithy.framework

/// The input broke the model's constraints; every violation is listed.
@error("client")
structure ValidationException {
    /// How many constraints the input broke, and the first of them.
    @required
    message: String

    /// One entry per violation.
    fieldList: ValidationExceptionFieldList
}

/// Where one violation is and what it is.
structure ValidationExceptionField {
    /// A JSON Pointer to the member, e.g. `/tags/0`.
    @required
    path: String

    /// What is wrong with it.
    @required
    message: String
}

list ValidationExceptionFieldList {
    member: ValidationExceptionField
}
