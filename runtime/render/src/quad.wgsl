// Instanced quads: rounded rectangles with borders (signed distance field) and
// textured images, each clipped by a (rounded) clip rectangle.
//
// Everything arrives in logical pixels and is scaled to physical pixels here.
// Colours are straight alpha in, premultiplied out (blend: One, OneMinusSrcAlpha).

struct Globals {
    // physical size of the target in pixels
    viewport: vec2<f32>,
    // logical -> physical
    scale: f32,
    _pad: f32,
};

@group(0) @binding(0) var<uniform> globals: Globals;
@group(1) @binding(0) var image_texture: texture_2d<f32>;
@group(1) @binding(1) var image_sampler: sampler;

struct Instance {
    @location(0) rect: vec4<f32>,          // x, y, w, h (logical)
    @location(1) fill: vec4<f32>,          // straight alpha, 0..1
    @location(2) border_color: vec4<f32>,  // straight alpha, 0..1
    @location(3) clip: vec4<f32>,          // x, y, w, h (logical)
    @location(4) uv: vec4<f32>,            // u0, v0, u1, v1
    @location(5) params: vec4<f32>,        // radius, border width, clip radius, mode (0 solid, 1 image)
};

struct VsOut {
    @builtin(position) position: vec4<f32>,
    @location(0) @interpolate(flat) rect: vec4<f32>,   // physical
    @location(1) @interpolate(flat) fill: vec4<f32>,
    @location(2) @interpolate(flat) border_color: vec4<f32>,
    @location(3) @interpolate(flat) clip: vec4<f32>,   // physical
    @location(4) @interpolate(flat) uv: vec4<f32>,
    @location(5) @interpolate(flat) params: vec4<f32>, // physical radius, border, clip radius; mode
};

@vertex
fn vs_main(@builtin(vertex_index) vi: u32, inst: Instance) -> VsOut {
    // two triangles: 0 1 2, 2 1 3 over the corners (0,0) (1,0) (0,1) (1,1)
    var corners = array<vec2<f32>, 6>(
        vec2<f32>(0.0, 0.0), vec2<f32>(1.0, 0.0), vec2<f32>(0.0, 1.0),
        vec2<f32>(0.0, 1.0), vec2<f32>(1.0, 0.0), vec2<f32>(1.0, 1.0),
    );
    let s = globals.scale;
    let rect = inst.rect * s;
    // grow the quad by one physical pixel so that anti-aliased edges are covered
    let corner = corners[vi];
    let pos = rect.xy - vec2<f32>(1.0) + corner * (rect.zw + vec2<f32>(2.0));
    let ndc = vec2<f32>(pos.x / globals.viewport.x * 2.0 - 1.0, 1.0 - pos.y / globals.viewport.y * 2.0);

    var out: VsOut;
    out.position = vec4<f32>(ndc, 0.0, 1.0);
    out.rect = rect;
    out.fill = inst.fill;
    out.border_color = inst.border_color;
    out.clip = inst.clip * s;
    out.uv = inst.uv;
    out.params = vec4<f32>(inst.params.x * s, inst.params.y * s, inst.params.z * s, inst.params.w);
    return out;
}

// signed distance from p to a box of the given centre, half size and corner radius
fn sd_round_box(p: vec2<f32>, center: vec2<f32>, half_size: vec2<f32>, radius: f32) -> f32 {
    let r = clamp(radius, 0.0, min(half_size.x, half_size.y));
    let q = abs(p - center) - half_size + vec2<f32>(r);
    return length(max(q, vec2<f32>(0.0))) + min(max(q.x, q.y), 0.0) - r;
}

fn coverage(d: f32) -> f32 {
    return clamp(0.5 - d, 0.0, 1.0);
}

@fragment
fn fs_main(in: VsOut) -> @location(0) vec4<f32> {
    let p = in.position.xy; // pixel centre, physical
    let half_size = in.rect.zw * 0.5;
    let center = in.rect.xy + half_size;
    let radius = in.params.x;
    let border = in.params.y;

    let outer = coverage(sd_round_box(p, center, half_size, radius));

    let clip_half = in.clip.zw * 0.5;
    let clip_cov = coverage(sd_round_box(p, in.clip.xy + clip_half, clip_half, in.params.z));

    var fill = in.fill;
    if in.params.w > 0.5 {
        let t = (p - in.rect.xy) / max(in.rect.zw, vec2<f32>(1e-3));
        let uv = mix(in.uv.xy, in.uv.zw, clamp(t, vec2<f32>(0.0), vec2<f32>(1.0)));
        fill = textureSampleLevel(image_texture, image_sampler, uv, 0.0);
    }
    var color = vec4<f32>(fill.rgb * fill.a, fill.a);
    if border > 0.0 {
        let inner_half = max(half_size - vec2<f32>(border), vec2<f32>(0.0));
        let inner = coverage(sd_round_box(p, center, inner_half, max(radius - border, 0.0)));
        let b = vec4<f32>(in.border_color.rgb * in.border_color.a, in.border_color.a);
        color = mix(b, color, inner);
    }
    return color * (outer * clip_cov);
}
