/** Why a path looks personal: its name (which concept), or its values (which detector, how many). */
export interface Reason {
  by: "name" | "values";
  /** name: the concept (`e-mail`, `person (role word)`); values: the detector (`email`, `inside:email`, `image`). */
  detector: string;
  /** The reason in words: `reviewer (role word)`, `97 % e-mail addresses`. */
  text: string;
  /** values: the share of the path's values the detector matched. */
  share?: number;
}
