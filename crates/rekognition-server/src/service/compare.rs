//! Faces in images, without a collection: `DetectFaces` and `CompareFaces`. Neither stores
//! anything.

use rekognition_server_sdk::error::{CompareFacesError, DetectFacesError};
use rekognition_server_sdk::model::{
    CompareFacesMatch, CompareFacesRequest, CompareFacesResponse, ComparedSourceImageFace,
    DetectFacesRequest, DetectFacesResponse,
};
use smithy_server_runtime::RequestContext;

use super::Rekognition;
use super::faces::{DEFAULT_THRESHOLD, no_faces, require_image_access};
use crate::faces::{
    Attributes, Filter, Needs, bounding_box, compared_face, face_detail, filter_reasons,
};

pub(super) async fn detect(
    service: &Rekognition,
    input: DetectFacesRequest,
    context: RequestContext,
) -> Result<DetectFacesResponse, DetectFacesError> {
    require_image_access(service, &context, &input.image)?;
    let attributes = Attributes::new(input.attributes.as_deref());
    let needs = Needs {
        identity: false,
        emotions: attributes.needs_emotions(),
        age_gender: attributes.needs_age_gender(),
    };
    let analysis = service
        .faces
        .analyze(input.image, needs)
        .await
        .map_err(|e| e.into_error::<DetectFacesError>())?;
    Ok(DetectFacesResponse {
        face_details: Some(
            analysis
                .faces
                .iter()
                .map(|face| face_detail(face, &analysis, &attributes))
                .collect(),
        ),
        orientation_correction: None,
    })
}

pub(super) async fn compare(
    service: &Rekognition,
    input: CompareFacesRequest,
    context: RequestContext,
) -> Result<CompareFacesResponse, CompareFacesError> {
    require_image_access(service, &context, &input.source_image)?;
    require_image_access(service, &context, &input.target_image)?;
    let needs = Needs {
        identity: true,
        ..Needs::default()
    };
    let filter = Filter::new(input.quality_filter, Filter::None);
    let source = service
        .faces
        .analyze(input.source_image, needs)
        .await
        .map_err(|e| e.into_error::<CompareFacesError>())?;
    let target = service
        .faces
        .analyze(input.target_image, needs)
        .await
        .map_err(|e| e.into_error::<CompareFacesError>())?;
    let kept = |analysis: &crate::faces::Analysis| {
        analysis
            .faces
            .iter()
            .filter(|face| filter_reasons(face, filter, analysis).is_empty())
            .cloned()
            .collect::<Vec<_>>()
    };
    let source_face = kept(&source).into_iter().next().ok_or_else(no_faces)?;
    let target_faces = kept(&target);
    if target_faces.is_empty() {
        return Err(no_faces().into());
    }
    let probe = source_face.identity.clone().ok_or_else(no_faces)?;
    let threshold = input.similarity_threshold.unwrap_or(DEFAULT_THRESHOLD);
    let mut matched = Vec::new();
    let mut unmatched = Vec::new();
    for face in &target_faces {
        let similarity = face
            .identity
            .as_ref()
            .map_or(0.0, |identity| probe.similarity(identity));
        if similarity >= threshold {
            matched.push((similarity, compared_face(face, &target)));
        } else {
            unmatched.push(compared_face(face, &target));
        }
    }
    matched.sort_by(|a, b| b.0.total_cmp(&a.0));
    Ok(CompareFacesResponse {
        source_image_face: Some(ComparedSourceImageFace {
            bounding_box: Some(bounding_box(source_face.bounding_box)),
            confidence: Some(source_face.confidence),
        }),
        face_matches: Some(
            matched
                .into_iter()
                .map(|(similarity, face)| CompareFacesMatch {
                    similarity: Some(similarity),
                    face: Some(face),
                })
                .collect(),
        ),
        unmatched_faces: Some(unmatched),
        source_image_orientation_correction: None,
        target_image_orientation_correction: None,
    })
}
