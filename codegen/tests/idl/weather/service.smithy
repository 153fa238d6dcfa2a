$version: "2"

namespace example.weather

use aws.protocols#awsJson1_1

/// Reports the weather of cities.
@awsJson1_1
service Weather {
    version: "2024-01-01"
    operations: [GetForecast]
}

/// The forecast of one city.
operation GetForecast {
    input := {
        /// The city.
        @required
        cityId: CityId
    }

    output := {
        /// How likely rain is, from 0 to 1.
        @range(min: 0, max: 1)
        chanceOfRain: Float
    }

    errors: [
        NoSuchCity
    ]
}
