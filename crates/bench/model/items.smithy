$version: "2"

namespace bench.items

use aws.protocols#restJson1
use smithy.framework#ValidationException

/// A store of items in tables: the restJson1 service the benchmark loads.
@restJson1
service Items {
    version: "2024-01-01"
    operations: [PutItem]
}

/// Stores an item: two path labels, a query parameter, a header and a JSON body, each with
/// constraints; the answer echoes the item with an `ETag` header.
@idempotent
@http(method: "PUT", uri: "/tables/{table}/items/{key}")
operation PutItem {
    input := {
        @required
        @httpLabel
        @length(min: 3, max: 64)
        @pattern("^[a-z][a-z0-9-]*$")
        table: String

        @required
        @httpLabel
        @length(min: 1, max: 256)
        key: String

        @httpQuery("version")
        @range(min: 1)
        version: Integer

        @httpHeader("X-Request-Tag")
        @length(max: 64)
        tag: String

        @required
        @length(min: 1, max: 1024)
        name: String

        @range(min: 0, max: 1000000)
        count: Integer

        labels: Labels
    }
    output := {
        @httpHeader("ETag")
        etag: String

        @required
        table: String

        @required
        key: String

        version: Integer

        @required
        name: String

        count: Integer

        labels: Labels
    }
    errors: [ValidationException]
}

@length(max: 16)
list Labels {
    member: Label
}

@length(min: 1, max: 32)
string Label
