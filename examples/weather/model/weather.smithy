$version: "2"

namespace example.weather

use aws.protocols#awsJson1_1

/// Keeps the forecast of each city and answers it.
@awsJson1_1
service Weather {
    version: "2024-01-01"
    operations: [PutForecast, GetForecast, ListCities]
}

/// Records the forecast of a city, replacing any earlier one.
operation PutForecast {
    input := {
        @required
        cityId: CityId

        @required
        forecast: Forecast
    }
    output := {}
}

/// The forecast of a city.
operation GetForecast {
    input := {
        @required
        cityId: CityId
    }
    output := {
        forecast: Forecast
    }
    errors: [NoSuchCity]
}

/// The cities with a forecast, in name order.
@readonly
operation ListCities {
    input := {
        /// At most this many, 1 to 100.
        @range(min: 1, max: 100)
        maxResults: Integer
    }
    output := {
        @required
        cities: CityIds
    }
}

/// A city, by its lower-case name.
@length(min: 1, max: 64)
@pattern("^[a-z][a-z-]*$")
string CityId

list CityIds {
    member: CityId
}

/// What the weather will be.
structure Forecast {
    /// How likely rain is, from 0 to 1.
    @required
    @range(min: 0, max: 1)
    chanceOfRain: Float

    /// The highest temperature, in degrees Celsius.
    @range(min: -90, max: 60)
    high: Integer
}

/// No forecast is known for that city.
@error("client")
structure NoSuchCity {
    message: String
}
