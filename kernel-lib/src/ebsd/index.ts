/** EBSD orientation maths (quaternions, crystal symmetry, misorientation) and grain reconstruction. */
export {
  multiply as quaternionMultiply,
  inverse as quaternionInverse,
  normalize as quaternionNormalize,
  axisAngle,
  rotationAngle,
  eulerToQuaternion,
  quaternionToEuler,
  quaternionToMatrix,
  uniformRotation,
  type Quaternion,
} from "./quaternion.js";
export { crystalSymmetry, misorientationAngle, LAUE_CLASSES, type CrystalSymmetry, type LaueClass } from "./symmetry.js";
export {
  grainsFromOrientations,
  type GrainsFromOrientationsOptions,
  type OrientationGrains,
} from "./grains.js";
