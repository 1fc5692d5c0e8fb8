//! The ground floor: the vocabulary every layer shares and nothing else. It imports no other
//! module of the crate.
//!
//! Places ([`FileId`], [`Span`]), calendar dates ([`Date`]), text in two languages
//! ([`Text`], [`StaticText`], [`Lang`]), did-you-mean suggestions and the sanitiser that keeps
//! control characters out of every line align prints.

pub mod date;
pub mod sanitize;
pub mod span;
pub mod suggest;
pub mod text;
pub mod timing;

pub use date::Date;
pub use span::{FileId, Span};
pub use text::{or_list, with_article, Lang, StaticText, Text};
