//! Depending on the runtime and generating a service leaves the user's serde as it was:
//! serde_json's `arbitrary_precision` (and `preserve_order`) stay off, so an untagged enum
//! holding a float deserializes.

use user_build::Setting;

#[test]
fn an_untagged_enum_holding_a_float_deserializes() {
    let settings: Vec<Setting> = serde_json::from_str(r#"[1.5, "fast", 2]"#).unwrap();
    assert_eq!(
        settings,
        vec![
            Setting::Number(1.5),
            Setting::Name("fast".to_owned()),
            Setting::Number(2.0)
        ]
    );
}

#[test]
fn objects_keep_no_insertion_order() {
    // Without `preserve_order`, serde_json's maps are sorted by key.
    let value: serde_json::Value = serde_json::from_str(r#"{"b": 1, "a": 2}"#).unwrap();
    let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["a", "b"]);
}

#[test]
fn the_generated_server_builds() {
    let server = user_build::weather::server::WeatherServer::new(Forecasts);
    assert_eq!(server.into_inner().operations().len(), 3);
}

struct Forecasts;

impl user_build::weather::server::Weather for Forecasts {
    async fn put_forecast(
        &self,
        _: user_build::weather::model::PutForecastInput,
        _: smithy_server_runtime::RequestContext,
    ) -> Result<
        user_build::weather::model::PutForecastOutput,
        user_build::weather::error::PutForecastError,
    > {
        Ok(user_build::weather::model::PutForecastOutput {})
    }

    async fn get_forecast(
        &self,
        _: user_build::weather::model::GetForecastInput,
        _: smithy_server_runtime::RequestContext,
    ) -> Result<
        user_build::weather::model::GetForecastOutput,
        user_build::weather::error::GetForecastError,
    > {
        Ok(user_build::weather::model::GetForecastOutput { forecast: None })
    }

    async fn list_cities(
        &self,
        _: user_build::weather::model::ListCitiesInput,
        _: smithy_server_runtime::RequestContext,
    ) -> Result<
        user_build::weather::model::ListCitiesOutput,
        user_build::weather::error::ListCitiesError,
    > {
        Ok(user_build::weather::model::ListCitiesOutput { cities: Vec::new() })
    }
}
