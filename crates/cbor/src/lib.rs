//! CBOR (RFC 8949) for Smithy's `rpcv2Cbor` protocol, with nothing but the standard library.
//!
//! - [`Decoder`] is a pull decoder over a complete body. Generated readers drive it straight
//!   into typed inputs, with no tree in between: [`Decoder::peek`] at the next item's [`Kind`],
//!   read integers with range checks, floats of any width (integers too, as the protocol
//!   allows), text and byte strings (borrowed unless chunked), arrays and maps of definite or
//!   indefinite length through a [`Container`], timestamps ([`Decoder::timestamp`]), and
//!   [`Decoder::skip`] unknown members. It is built for hostile bodies: no input makes it
//!   panic, no declared length makes it allocate more than the body's size, nesting is limited,
//!   and every failure is an [`Error`] with an [`ErrorKind`] and a byte offset.
//! - [`Encoder`] writes shortest-form heads, floats at their Smithy type's width and timestamps
//!   as tag 1 around a double, as the protocol tests expect.
//! - [`Value`] is a small owned tree for tests and debugging, whose equality compares bodies by
//!   meaning the way Smithy's protocol tests do.
//!
//! A reader for `structure Forecast { @required city: String, chanceOfRain: Float, days: List }`
//! as a generator would write it:
//!
//! ```
//! use smithy_cbor::{Decoder, Error, ErrorKind, SeenMembers};
//!
//! #[derive(Debug, PartialEq)]
//! struct Forecast { city: String, chance_of_rain: Option<f32>, days: Option<Vec<i32>> }
//!
//! fn read_forecast(d: &mut Decoder<'_>) -> Result<Forecast, Error> {
//!     let start = d.position();
//!     let (mut city, mut chance_of_rain, mut days) = (None, None, None);
//!     let mut seen = SeenMembers::<1>::new();
//!     let mut map = d.map()?;
//!     while d.has_next(&mut map)? {
//!         let key_at = d.position();
//!         let key = d.str()?;
//!         let index = match &*key {
//!             "city" => 0,
//!             "chanceOfRain" => 1,
//!             "days" => 2,
//!             _ => { d.skip()?; continue; } // an unknown member, from a newer model
//!         };
//!         seen.insert(index, key_at)?;
//!         if d.try_null()? { continue; } // null is absent
//!         match index {
//!             0 => city = Some(d.str()?.into_owned()),
//!             1 => chance_of_rain = Some(d.f32()?),
//!             _ => {
//!                 let mut list = d.array()?;
//!                 let mut items = Vec::with_capacity(list.capacity_for::<i32>());
//!                 while d.has_next(&mut list)? { items.push(d.i32()?); }
//!                 days = Some(items);
//!             }
//!         }
//!     }
//!     // A real reader reports a missing member as a validation error, not a CBOR one.
//!     let city = city.ok_or(Error::new(ErrorKind::Truncated, start))?;
//!     Ok(Forecast { city, chance_of_rain, days })
//! }
//!
//! // {"city": "Paris", "chanceOfRain": 0.5 (as a half float), "days": [_ 1, 2]}
//! let body = b"\xa3\x64city\x65Paris\x6cchanceOfRain\xf9\x38\x00\x64days\x9f\x01\x02\xff";
//! let mut d = Decoder::new(body);
//! let forecast = read_forecast(&mut d).unwrap();
//! d.finish().unwrap();
//! assert_eq!(forecast, Forecast { city: "Paris".into(), chance_of_rain: Some(0.5), days: Some(vec![1, 2]) });
//! ```

mod decode;
mod encode;
mod error;
mod value;

pub use decode::{Container, DEFAULT_MAX_DEPTH, Decoder, Epoch, SeenMembers};
pub use encode::Encoder;
pub use error::{Error, ErrorKind, Expected, Kind};
pub use value::{Value, decode_value};
