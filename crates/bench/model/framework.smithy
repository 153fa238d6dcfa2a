$version: "2"

// The error Smithy servers answer constraint violations with, as Smithy's validation model
// package defines it (a service lists it among an operation's errors to get it).
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
