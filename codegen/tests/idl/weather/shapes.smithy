$version: "2"

namespace example.weather

/// A city, by its lower-case name.
@length(min: 1, max: 64)
@pattern("^[a-z-]+$")
string CityId

/// No city has that id.
@error("client")
structure NoSuchCity {
    message: String
}
