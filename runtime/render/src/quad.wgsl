// Instanced quads, each clipped by a (rounded) clip rectangle:
//  mode 0: a CSS box (signed distance field): per-corner radii, fill, and per-side
//          borders (widths, colours, solid / dashed / dotted) drawn inside the edge
//  mode 1: an image (straight alpha texture) filling the rounded box
//  mode 2: a linear gradient: a premultiplied 256x1 colour ramp sampled along the
//          line uv.xy -> uv.zw (logical px)
//  mode 3: a blurred box (box-shadow): Gaussian of sigma = xf1.z (logical px)
//  mode 4: a composited layer: premultiplied texture times fill.a (group opacity)
// Every quad carries an affine transform (xf0 = a b c d, xf1.xy = e f) from its own
// space to the target's; the box SDF is evaluated in the quad's own space, the clip
// in the target's.
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
    @location(2) border_top: vec4<f32>,    // straight alpha, 0..1
    @location(3) clip: vec4<f32>,          // x, y, w, h (logical)
    @location(4) uv: vec4<f32>,            // u0, v0, u1, v1 (mode 2: gradient line)
    @location(5) params: vec4<f32>,        // _, _, clip radius, mode
    @location(6) radii: vec4<f32>,         // top-left, top-right, bottom-right, bottom-left
    @location(7) widths: vec4<f32>,        // top, right, bottom, left
    @location(8) border_right: vec4<f32>,
    @location(9) border_bottom: vec4<f32>,
    @location(10) border_left: vec4<f32>,
    @location(11) styles: vec4<f32>,       // per side: 0 solid, 1 dashed, 2 dotted
    @location(12) xf0: vec4<f32>,          // a, b, c, d
    @location(13) xf1: vec4<f32>,          // e, f, blur sigma, _
};

struct VsOut {
    @builtin(position) position: vec4<f32>,
    @location(0) local: vec2<f32>,                       // physical, the quad's own space
    @location(1) @interpolate(flat) rect: vec4<f32>,     // physical
    @location(2) @interpolate(flat) fill: vec4<f32>,
    @location(3) @interpolate(flat) clip: vec4<f32>,     // physical
    @location(4) @interpolate(flat) uv: vec4<f32>,
    @location(5) @interpolate(flat) params: vec4<f32>,   // _, _, clip radius (physical), mode
    @location(6) @interpolate(flat) radii: vec4<f32>,    // physical
    @location(7) @interpolate(flat) widths: vec4<f32>,   // physical
    @location(8) @interpolate(flat) c_top: vec4<f32>,
    @location(9) @interpolate(flat) c_right: vec4<f32>,
    @location(10) @interpolate(flat) c_bottom: vec4<f32>,
    @location(11) @interpolate(flat) c_left: vec4<f32>,
    @location(12) @interpolate(flat) styles: vec4<f32>,
    @location(13) @interpolate(flat) sigma: f32,         // physical
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
    let sigma = inst.xf1.z * s;
    // grow the quad by one physical pixel so that anti-aliased edges are covered
    // (and by three sigmas for a blurred box)
    let grow = 1.0 + 3.0 * sigma;
    let corner = corners[vi];
    let local = rect.xy - vec2<f32>(grow) + corner * (rect.zw + vec2<f32>(2.0 * grow));
    let pos = vec2<f32>(
        inst.xf0.x * local.x + inst.xf0.z * local.y + inst.xf1.x * s,
        inst.xf0.y * local.x + inst.xf0.w * local.y + inst.xf1.y * s,
    );
    let ndc = vec2<f32>(pos.x / globals.viewport.x * 2.0 - 1.0, 1.0 - pos.y / globals.viewport.y * 2.0);

    var out: VsOut;
    out.position = vec4<f32>(ndc, 0.0, 1.0);
    out.local = local;
    out.rect = rect;
    out.fill = inst.fill;
    out.clip = inst.clip * s;
    // a gradient's line is in logical px: scale it like the rest
    let gradient = inst.params.w > 1.5 && inst.params.w < 2.5;
    out.uv = select(inst.uv, inst.uv * s, gradient);
    out.params = vec4<f32>(0.0, 0.0, inst.params.z * s, inst.params.w);
    out.radii = inst.radii * s;
    out.widths = inst.widths * s;
    out.c_top = inst.border_top;
    out.c_right = inst.border_right;
    out.c_bottom = inst.border_bottom;
    out.c_left = inst.border_left;
    out.styles = inst.styles;
    out.sigma = sigma;
    return out;
}

// the radius of the corner nearest to p: radii = top-left, top-right, bottom-right, bottom-left
fn corner_radius(d: vec2<f32>, radii: vec4<f32>) -> f32 {
    if d.x < 0.0 {
        if d.y < 0.0 {
            return radii.x;
        }
        return radii.w;
    }
    if d.y < 0.0 {
        return radii.y;
    }
    return radii.z;
}

// signed distance from p to a box of the given centre, half size and corner radii
fn sd_round_box(p: vec2<f32>, center: vec2<f32>, half_size: vec2<f32>, radii: vec4<f32>) -> f32 {
    let d = p - center;
    let r = clamp(corner_radius(d, radii), 0.0, min(half_size.x, half_size.y));
    let q = abs(d) - half_size + vec2<f32>(r);
    return length(max(q, vec2<f32>(0.0))) + min(max(q.x, q.y), 0.0) - r;
}

fn coverage(d: f32) -> f32 {
    return clamp(0.5 - d, 0.0, 1.0);
}

fn premul(c: vec4<f32>) -> vec4<f32> {
    return vec4<f32>(c.rgb * c.a, c.a);
}

// erf, Abramowitz-Stegun style approximation (error < 1e-3)
fn erf_approx(x: f32) -> f32 {
    let a = 0.147;
    let x2 = x * x;
    let v = sqrt(1.0 - exp(-x2 * (1.2732395 + a * x2) / (1.0 + a * x2)));
    return select(-v, v, x >= 0.0);
}

// how much of a dash or dot pattern covers the point at `along` px along a side of length
// `len`, `across` px into a border of width `w` (style 1 dashed, 2 dotted)
fn pattern(style: f32, along: f32, across: f32, len: f32, w: f32) -> f32 {
    if style < 0.5 || w <= 0.0 {
        return 1.0;
    }
    if style < 1.5 {
        // dashes 3w long with gaps as long, stretched so that the side ends on a dash
        let dash = 3.0 * w;
        let n = max(round((len + dash) / (2.0 * dash)), 1.0);
        let period = (len + dash) / n;
        let t = along - floor(along / period) * period;
        return clamp(period * 0.5 - t + 0.5, 0.0, 1.0) * clamp(t + 0.5, 0.0, 1.0);
    }
    // round dots one width across, a width apart, a dot at each end
    let n = max(round(len / (2.0 * w)), 1.0);
    let period = len / n;
    let k = round(along / period);
    let c = vec2<f32>(k * period, w * 0.5);
    let d = length(vec2<f32>(along, across) - c) - w * 0.5;
    return coverage(d);
}

@fragment
fn fs_main(in: VsOut) -> @location(0) vec4<f32> {
    let p = in.local;
    let half_size = in.rect.zw * 0.5;
    let center = in.rect.xy + half_size;
    let mode = in.params.w;

    let clip_half = in.clip.zw * 0.5;
    let clip_cov = coverage(sd_round_box(in.position.xy, in.clip.xy + clip_half, clip_half, vec4<f32>(in.params.z)));

    let dist = sd_round_box(p, center, half_size, in.radii);
    if mode > 2.5 && mode < 3.5 {
        // blurred box: the Gaussian-smoothed step of the box's distance
        let sigma = max(in.sigma, 0.001);
        let cov = 0.5 * (1.0 - erf_approx(dist / (sigma * 1.41421356)));
        let c = select(coverage(dist), cov, in.sigma > 0.01);
        return premul(in.fill) * (c * clip_cov);
    }
    let outer = coverage(dist);
    let t = clamp((p - in.rect.xy) / max(in.rect.zw, vec2<f32>(1e-3)), vec2<f32>(0.0), vec2<f32>(1.0));
    if mode > 3.5 {
        let uv = mix(in.uv.xy, in.uv.zw, t);
        return textureSampleLevel(image_texture, image_sampler, uv, 0.0) * (in.fill.a * outer * clip_cov);
    }
    if mode > 1.5 {
        let a = in.uv.xy;
        let b = in.uv.zw;
        let dir = b - a;
        let g = clamp(dot(p - a, dir) / max(dot(dir, dir), 1e-6), 0.0, 1.0);
        let u = (g * 255.0 + 0.5) / 256.0;
        return textureSampleLevel(image_texture, image_sampler, vec2<f32>(u, 0.5), 0.0) * (outer * clip_cov);
    }

    var color = premul(in.fill);
    if mode > 0.5 {
        let uv = mix(in.uv.xy, in.uv.zw, t);
        color = premul(textureSampleLevel(image_texture, image_sampler, uv, 0.0));
    }
    let w = in.widths;
    if max(max(w.x, w.y), max(w.z, w.w)) > 0.0 {
        // the inner edge: the box shrunk by each side's width, corners shrunk alike
        let inner_min = in.rect.xy + vec2<f32>(w.w, w.x);
        let inner_max = in.rect.xy + in.rect.zw - vec2<f32>(w.y, w.z);
        let inner_half = max((inner_max - inner_min) * 0.5, vec2<f32>(0.0));
        let inner_center = (inner_min + inner_max) * 0.5;
        let inner_radii = max(in.radii - vec4<f32>(max(w.x, w.w), max(w.x, w.y), max(w.z, w.y), max(w.z, w.w)), vec4<f32>(0.0));
        let inner = coverage(sd_round_box(p, inner_center, inner_half, inner_radii));
        // which side the point belongs to: the nearest edge, relative to its width (so that
        // corners split along the diagonal between the two widths)
        let rel = p - in.rect.xy;
        let d_top = rel.y / max(w.x, 1e-3);
        let d_right = (in.rect.z - rel.x) / max(w.y, 1e-3);
        let d_bottom = (in.rect.w - rel.y) / max(w.z, 1e-3);
        let d_left = rel.x / max(w.w, 1e-3);
        var side_color = in.c_top;
        var cov = 1.0;
        var best = select(1e9, d_top, w.x > 0.0);
        cov = pattern(in.styles.x, rel.x, rel.y, in.rect.z, w.x);
        if w.y > 0.0 && d_right < best {
            best = d_right;
            side_color = in.c_right;
            cov = pattern(in.styles.y, rel.y, in.rect.z - rel.x, in.rect.w, w.y);
        }
        if w.z > 0.0 && d_bottom < best {
            best = d_bottom;
            side_color = in.c_bottom;
            cov = pattern(in.styles.z, rel.x, in.rect.w - rel.y, in.rect.z, w.z);
        }
        if w.w > 0.0 && d_left < best {
            best = d_left;
            side_color = in.c_left;
            cov = pattern(in.styles.w, rel.y, rel.x, in.rect.w, w.w);
        }
        let b = premul(side_color) * cov;
        // the border ring over the fill: inside the ring the fill shows where the pattern
        // leaves gaps
        let ring = 1.0 - inner;
        let fill_part = color * inner;
        let border_part = (b + color * (1.0 - b.a)) * ring;
        color = fill_part + border_part;
    }
    return color * (outer * clip_cov);
}
