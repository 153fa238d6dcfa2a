$version: "2"

namespace example.forecasts

use aws.protocols#awsJson1_0
use smithy.framework#ValidationException
use smithy.protocols#rpcv2Cbor
use smithy.protocols#rpcv2Json

/// Weather forecasts kept by id, served in three protocols on one port: rpcv2Cbor (which
/// answers requests no protocol claims), rpcv2Json and awsJson 1.0.
@rpcv2Cbor
@rpcv2Json
@awsJson1_0
service Forecasts {
    version: "2026-12-01"
    operations: [PutForecast, GetForecast, Ping]
}

/// Stores a forecast and answers its id.
operation PutForecast {
    input := {
        @required
        city: City

        days: Days

        tags: Tags

        /// A radar picture.
        radar: Radar

        source: Source

        /// When the forecast was made.
        issued: Timestamp
    }
    output := {
        @required
        id: ForecastId
    }
    errors: [ValidationException]
}

/// A stored forecast.
@readonly
operation GetForecast {
    input := {
        @required
        id: ForecastId
    }
    output := {
        @required
        city: City

        days: Days

        tags: Tags

        radar: Radar

        source: Source

        issued: Timestamp
    }
    errors: [ForecastNotFound]
}

/// Answers nothing: input and output are `Unit`.
@readonly
operation Ping {}

/// No forecast has that id.
@error("client")
@httpError(404)
structure ForecastNotFound {
    message: String
}

@length(min: 1, max: 64)
@pattern("^[A-Za-z][A-Za-z .'-]*$")
string City

@pattern("^f-[0-9]+$")
string ForecastId

@length(max: 14)
list Days {
    member: Day
}

/// One day of a forecast.
structure Day {
    @required
    date: Timestamp

    @range(min: -90, max: 60)
    high: Float

    low: Double

    sky: Sky

    @range(min: 0, max: 100)
    rainChance: Integer
}

enum Sky {
    CLEAR
    CLOUDY
    RAIN
    SNOW
}

@length(max: 4)
map Tags {
    key: TagKey
    value: String
}

@length(min: 1, max: 32)
string TagKey

@length(max: 1024)
blob Radar

/// Where the forecast comes from.
union Source {
    /// A weather station's code.
    station: String

    /// A numerical model's run.
    model: ModelRun
}

structure ModelRun {
    @required
    name: String

    @required
    run: Long
}
