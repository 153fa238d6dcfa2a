$version: "2"

namespace example.objects

use aws.protocols#restJson1

/// Objects kept by path, as MediaStore's data plane keeps them: put, got, described by a `HEAD`
/// (its length and type in headers, no body), and listed with the attributes asked for.
@restJson1
service Objects {
    version: "2024-01-01"
    operations: [PutObject, GetObject, DescribeObject, ListObjects]
}

/// Stores an object at a path, replacing any.
@idempotent
@http(method: "PUT", uri: "/{path+}")
operation PutObject {
    input := {
        @required
        @httpLabel
        path: ObjectPath

        @required
        @httpPayload
        body: ObjectBody

        @httpHeader("Content-Type")
        contentType: String
    }
    output := {}
}

/// An object's bytes.
@readonly
@http(method: "GET", uri: "/{path+}")
operation GetObject {
    input := {
        @required
        @httpLabel
        path: ObjectPath
    }
    output := {
        @required
        @httpPayload
        body: ObjectBody

        @httpHeader("Content-Type")
        contentType: String

        @httpHeader("Last-Modified")
        lastModified: Timestamp
    }
    errors: [ObjectNotFound]
}

/// An object's length, type and time, without its bytes.
@readonly
@http(method: "HEAD", uri: "/{path+}")
operation DescribeObject {
    input := {
        @required
        @httpLabel
        path: ObjectPath
    }
    output := {
        @httpHeader("Content-Length")
        contentLength: Long

        @httpHeader("Content-Type")
        contentType: String

        @httpHeader("Last-Modified")
        lastModified: Timestamp
    }
    errors: [ObjectNotFound]
}

/// The objects under a prefix, and their sizes.
@readonly
@http(method: "POST", uri: "/list")
operation ListObjects {
    input := {
        prefix: ObjectPrefix

        /// The attributes to return.
        @length(max: 3)
        attributes: AttributeNames

        /// Options of the listing, by name.
        options: Options
    }
    output := {
        @required
        names: Names

        @required
        totalBytes: Double

        @required
        averageBytes: Double
    }
}

@length(min: 1, max: 255)
@pattern("^[a-z0-9][a-z0-9/._-]*$")
string ObjectPath

@length(max: 255)
string ObjectPrefix

blob ObjectBody

list AttributeNames {
    member: AttributeName
}

enum AttributeName {
    SIZE = "Size"
    CONTENT_TYPE = "ContentType"
    ALL = "All"
}

map Options {
    key: OptionName
    value: OptionValue
}

enum OptionName {
    DELAY = "Delay"
    DEPTH = "Depth"
}

@range(min: 0, max: 10)
integer OptionValue

list Names {
    member: String
}

/// No object at the path.
@error("client")
@httpError(404)
structure ObjectNotFound {
    message: String
}
