$version: "2"

namespace example.bookmarks

use aws.protocols#restJson1
use smithy.framework#ValidationException

/// Keeps bookmarks in folders, over HTTP with the restJson1 protocol.
@restJson1
service Bookmarks {
    version: "2024-01-01"
    operations: [CreateBookmark, GetBookmark, ListBookmarks, DeleteBookmark]
}

/// Saves a bookmark in a folder (created with its first bookmark) and gives it a new id.
@http(method: "POST", uri: "/folders/{folder}/bookmarks", code: 201)
operation CreateBookmark {
    input := {
        @required
        @httpLabel
        folder: FolderName

        /// Keep the bookmark at the top of its folder's list.
        @httpQuery("pinned")
        pinned: Boolean

        /// Who saved it.
        @httpHeader("X-Saved-By")
        @length(min: 1, max: 64)
        savedBy: String

        @required
        url: Url

        @length(min: 1, max: 200)
        title: String

        tags: Tags
    }
    output := {
        /// Where the new bookmark is.
        @required
        @httpHeader("Location")
        location: String

        @required
        bookmark: Bookmark
    }
    errors: [ValidationException]
}

/// One bookmark.
@readonly
@http(method: "GET", uri: "/folders/{folder}/bookmarks/{id}")
operation GetBookmark {
    input := {
        @required
        @httpLabel
        folder: FolderName

        @required
        @httpLabel
        id: BookmarkId
    }
    output := {
        @required
        bookmark: Bookmark
    }
    errors: [NoSuchBookmark, ValidationException]
}

/// The bookmarks of a folder, pinned ones first, then by id; only those carrying every tag asked
/// for.
@readonly
@http(method: "GET", uri: "/folders/{folder}/bookmarks")
operation ListBookmarks {
    input := {
        @required
        @httpLabel
        folder: FolderName

        /// Only bookmarks with all these tags (`?tag=a&tag=b`).
        @httpQuery("tag")
        tags: Tags

        /// At most this many, 1 to 100.
        @httpQuery("maxResults")
        @range(min: 1, max: 100)
        maxResults: Integer
    }
    output := {
        @required
        bookmarks: BookmarkList
    }
    errors: [ValidationException]
}

/// Removes a bookmark.
@idempotent
@http(method: "DELETE", uri: "/folders/{folder}/bookmarks/{id}", code: 204)
operation DeleteBookmark {
    input := {
        @required
        @httpLabel
        folder: FolderName

        @required
        @httpLabel
        id: BookmarkId
    }
    output := {}
    errors: [NoSuchBookmark, ValidationException]
}

/// A folder, by its lower-case name.
@length(min: 1, max: 64)
@pattern("^[a-z][a-z0-9-]*$")
string FolderName

/// A bookmark's id, given when it is created.
@range(min: 1)
long BookmarkId

/// An http or https address.
@length(min: 1, max: 2048)
@pattern("^https?://[^ ]+$")
string Url

/// A lower-case word.
@length(min: 1, max: 32)
@pattern("^[a-z0-9-]+$")
string Tag

/// At most ten tags.
@length(max: 10)
list Tags {
    member: Tag
}

list BookmarkList {
    member: Bookmark
}

/// A saved address.
structure Bookmark {
    @required
    id: BookmarkId

    @required
    folder: FolderName

    @required
    url: Url

    title: String

    @required
    pinned: Boolean

    savedBy: String

    @required
    tags: Tags
}

/// No bookmark has that id in that folder.
@error("client")
@httpError(404)
structure NoSuchBookmark {
    @required
    message: String
}
